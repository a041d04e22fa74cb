#!/usr/bin/env bash
# No password reaches any output, however the URL is written: passwords
# holding every URL delimiter, pasted without percent-encoding, through
# `migrate status`, `validate`, `release` and `rehearse` against a port
# where nothing listens (loopback only), and through malformed URLs.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

app=$(mktemp -d "$WORK/app-XXXXXX")
mkdir "$app/migrations"
printf 'CREATE TABLE t (id int);\n' >"$app/migrations/20240101000000_t.sql"
cd "$app" || exit 1
# A loopback port with nothing behind it: connections are refused at once.
port=$(free_loopback_port)

for password in 'Top/Secret42' 'Sec@ret99x' 'Sec?ret99x' 'Sec#ret99x' 'p:ss/w@rd#1?x' \
                '50%off!Sale' 'a%zzSecret' "quo'te\\Secret"; do
  for url in "postgres://app:$password@127.0.0.1:$port/d1" \
             "postgresql://app:$password@127.0.0.1:$port/d1?sslmode=disable" \
             "postgres://app:$password@127.0.0.1:notaport/d1"; do
    for cmd in "migrate status" "migrate status --json" "migrate validate" "release" "migrate up"; do
      # shellcheck disable=SC2086  # $cmd is a command and its flags
      run env DATABASE_URL="$url" timeout 30 "$SLUGWRIGHT_BIN" $cmd
      checks=$((checks + 1))
      [[ $status -ne 0 ]] || fail "$cmd with an unreachable database exited 0"
      # The password, and its longest distinctive fragments, never appear.
      for fragment in "$password" "${password:3}" "${password:0:${#password}-3}"; do
        expect_no_output "$fragment" "$cmd ($url)"
      done
    done
  done
done

finish
