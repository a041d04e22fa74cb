#!/usr/bin/env bash
# Hostile input to the release-phase runner (`slugwright migrate up`),
# table-driven: malformed migration files and database URLs. Every bad file
# is rejected with exit 2 and a message naming the file (and line) before
# any connection is made: DATABASE_URL points at a closed port, so a run
# that got as far as connecting would exit 1 instead. The password of the
# URL is never printed, the input is never executed, nothing is written.
# (Wrong passwords, sslmode and the rest against a real server:
# src/postgres/migrator_pg_test.cc and src/cli/reliability_pg_test.cc.)
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

marker=$WORK/executed
password='s3cret-Pw'
closed_url="postgres://app:$password@127.0.0.1:1/app"
dir=$WORK/migrations

# migrate_up URL: runs `slugwright migrate up` on $dir with DATABASE_URL=URL.
migrate_up() {
  run env DATABASE_URL="$1" "$SLUGWRIGHT_BIN" migrate up --dir "$dir"
}

# no_secret NAME: the password appears in no form in $output.
no_secret() {
  expect_no_output "$password" "$1"
  expect_no_output "s3cret" "$1"
}

# case_files NAME EXPECTED: $dir holds the bad input, prepared by the
# caller; exit 2 with EXPECTED, before connecting, nothing changed.
case_files() {
  local name=$1 expected=$2 before
  before=$(snapshot "$dir")
  migrate_up "$closed_url"
  expect_status 2 "$name"
  expect_output "$expected" "$name"
  expect_no_output "could not connect" "$name"
  no_secret "$name"
  [[ "$(snapshot "$dir")" == "$before" ]] || fail "$name: the migrations changed"
  [[ ${#output} -lt 4000 ]] || fail "$name: ${#output} bytes of output"
  [[ ! -e "$marker" ]] || fail "$name: input was executed"
}

fresh() { rm -rf "$dir"; mkdir -p "$dir"; }
ok_file() { printf -- '-- migrate:up\nSELECT 1;\n' >"$dir/$1"; }

fresh; ok_file 1_a.sql; ok_file 01_b.sql
case_files "duplicate version" "version 1 is also the version of"
fresh; ok_file create_users.sql
case_files "no version in the name" "does not start with a version number"
fresh; ok_file 1234567890123456789012_a.sql
case_files "version too long" "has 22 digits; expected at most 18"
fresh; printf 'CREATE TABLE t (id int);\n' >"$dir/1_a.sql"
case_files "no up section" "no \`-- migrate:up\` line"
fresh; printf -- '-- migrate:down\nDROP TABLE t;\n-- migrate:up\nSELECT 1;\n' >"$dir/1_a.sql"
case_files "down before up" "1_a.sql:1: \`-- migrate:down\` before any \`-- migrate:up\`"
fresh; printf -- '-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n' >"$dir/1_a.sql"
case_files "two up sections" "1_a.sql:3: a second \`-- migrate:up\`"
fresh; printf -- '-- migrate:up\n\n-- migrate:down\nSELECT 1;\n' >"$dir/1_a.sql"
case_files "up section without SQL" "the up section holds no SQL statement"
# Refused before connecting: what the server would refuse or psql alone reads.
fresh; printf -- '-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (c);\n' >"$dir/1_a.sql"
case_files "CONCURRENTLY in a transaction" "1_a.sql:2: \`CREATE INDEX CONCURRENTLY\` cannot run inside a transaction block, and this migration runs in one; add \`-- migrate:up transaction:false\`"
fresh; printf -- '-- migrate:up\nCOPY t FROM stdin;\n' >"$dir/1_a.sql"
case_files "COPY FROM STDIN" "1_a.sql:2: \`COPY ... FROM STDIN\` reads rows that slugwright does not send"
fresh; printf -- '-- migrate:up\nCREATE TABLE a (id int);\n\\connect other\n' >"$dir/1_a.sql"
case_files "psql meta-command" "1_a.sql:3: psql meta-command \`\\connect other\`"
fresh; printf -- '-- migrate:up transaction:false\nBEGIN;\nINSERT INTO t VALUES (1);\nCOMMIT;\n' >"$dir/1_a.sql"
case_files "BEGIN in a transaction:false file" "1_a.sql:2: \`BEGIN\`: explicit transaction control in a \`transaction:false\` migration"
fresh; : >"$dir/1_a.sql"
case_files "empty file" "1_a.sql: the file is empty"
fresh; printf -- '-- migrate:up\nSELECT caf\xe9;\n' >"$dir/1_a.sql"
case_files "invalid UTF-8" "1_a.sql:2: invalid UTF-8 sequence starting with byte 0xE9"
fresh; printf -- '-- migrate:up\nSELECT 1;\0DROP TABLE users;\n' >"$dir/1_a.sql"
case_files "NUL byte" "1_a.sql:2: NUL byte at column 10"
fresh; printf -- '-- migrate:up\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n' >"$dir/1_a.sql"
case_files "unterminated dollar quote" "unterminated dollar-quoted string"
fresh; printf -- "-- migrate:up\nSELECT 'it''s;\n" >"$dir/1_a.sql"
case_files "unterminated string" "unterminated quoted string"
fresh; printf -- '-- migrate:up\nSELECT 1; /* a /* nested */ comment\n' >"$dir/1_a.sql"
case_files "unterminated nested comment" "unterminated block comment"
fresh; printf -- '-- migrate:up transaction:maybe\nSELECT 1;\n' >"$dir/1_a.sql"
case_files "unknown section option" "unknown option \`transaction:maybe\`"
fresh; printf -- '-- migrate:up\nSELECT 1;\n' >"$dir/1_a.up.sql"; printf -- '-- migrate:up\nSELECT 1;\n' >"$dir/2_b.up.sql"
case_files "marker in a plain .up.sql" "\`-- migrate:up\` in a .up.sql file"
fresh; { printf -- '-- migrate:up\nSELECT 1;\n-- '; head -c 17000000 /dev/zero | tr '\0' 'x'; } >"$dir/1_a.sql"
case_files "17 MB file" "larger than the limit of 16777216 bytes"
fresh; ln -s 2_b.sql "$dir/1_a.sql"; ln -s 1_a.sql "$dir/2_b.sql"
case_files "symlink loop" "1_a.sql: a dangling symbolic link"

# A name and SQL with shell metacharacters are data: accepted as files,
# never run by a shell (the run stops at the closed port: exit 1).
fresh
printf -- "-- migrate:up\nSELECT '\$(touch $marker)', '\`touch $marker\`';\n" >"$dir/1_\$(touch executed).sql"
cd "$WORK" || exit 1
migrate_up "$closed_url"
expect_status 1 "metacharacters in a migration"
expect_output "could not connect to app@127.0.0.1:1/app" "metacharacters in a migration"
no_secret "metacharacters in a migration"
[[ ! -e "$marker" ]] || fail "a migration's name or SQL was executed"

# Database URLs: a clear error, the documented exit code, no password.
fresh; ok_file 1_a.sql
migrate_up ""
expect_status 2 "DATABASE_URL unset"
expect_output "DATABASE_URL is not set" "DATABASE_URL unset"
migrate_up "postgres://app:$password@127.0.0.1:5432/app?bogus=1"
expect_status 2 "unknown URL parameter"
expect_output 'the database URL is not valid: invalid URI query parameter: "bogus"' "unknown URL parameter"
no_secret "unknown URL parameter"
migrate_up "mysql://app:$password@db/app"
expect_status 2 "not a PostgreSQL URL"
expect_output "the database URL is not valid" "not a PostgreSQL URL"
no_secret "not a PostgreSQL URL"
migrate_up "$closed_url"
expect_status 1 "unreachable server"
expect_output "could not connect to app@127.0.0.1:1/app: connection to server at \"127.0.0.1\", port 1 failed: Connection refused" "unreachable server"
no_secret "unreachable server"
migrate_up "host=127.0.0.1 port=1 user=app password=$password"
expect_status 1 "conninfo form"
no_secret "conninfo form"
# A password full of shell metacharacters, percent-encoded in the URL.
evil='s3cret$(touch '$marker');`touch '$marker'`'
encoded=$(printf '%s' "$evil" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g')
migrate_up "postgres://app:$encoded@127.0.0.1:1/app"
expect_status 1 "metacharacters in the password"
no_secret "metacharacters in the password"
expect_no_output "$encoded" "metacharacters in the password"
expect_no_output "touch" "metacharacters in the password"
[[ ! -e "$marker" ]] || fail "the password was executed"
# --database-url is masked the same way.
run "$SLUGWRIGHT_BIN" migrate up --dir "$dir" --database-url "$closed_url"
expect_status 1 "--database-url"
no_secret "--database-url"
finish
