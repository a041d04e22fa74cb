#!/usr/bin/env bash
# Usage: tests/cnb/with_arm64_binfmt.sh CMD [ARG...]
# Runs CMD in a user and mount namespace of its own in which linux/arm64 ELF
# files run transparently under qemu-aarch64-static: a binfmt_misc instance
# private to that user namespace (Linux >= 6.7) gets Debian's qemu-aarch64
# entry (magic and mask as in /usr/lib/binfmt.d/qemu-aarch64.conf). So an
# arm64 binary runs when anything execs it (bin/build's `exec`, a launch
# process's PATH lookup), as on an arm64 builder, and the host's binfmt_misc
# is never touched. The network namespace is the host's: a PostgreSQL
# started outside is reachable on 127.0.0.1.
# The arm64 libraries come from the host's multiarch directories
# (/lib/ld-linux-aarch64.so.1, libpq5:arm64) or, when set, from
# $SLUGWRIGHT_ARM64_SYSROOT (qemu's -L, which survives `env -i`: it is baked
# into the registered interpreter).
# Exit 125 with the reason on stderr when the namespace or the entry cannot
# be made; otherwise CMD's exit status.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARG...]" >&2
  exit 125
fi
qemu=$(command -v qemu-aarch64-static || true)
if [[ -z "$qemu" ]]; then
  echo "with_arm64_binfmt: qemu-aarch64-static is missing (tools/install-deps cross)" >&2
  exit 125
fi
if ! command -v unshare >/dev/null; then
  echo "with_arm64_binfmt: unshare (util-linux) is missing" >&2
  exit 125
fi

# The body that runs inside the namespace: $1 = qemu, $2 = sysroot or "",
# then CMD. A sysroot needs an interpreter that passes -L: a two-line
# script, kept (with the namespace) only for this run.
inner='
set -e
qemu=$1 sysroot=$2
shift 2
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null ||
  { echo "with_arm64_binfmt: cannot mount binfmt_misc in a user namespace (Linux >= 6.7 needed)" >&2; exit 125; }
interpreter=$qemu flags=F
if [[ -n "$sysroot" ]]; then
  mount -t tmpfs tmpfs /mnt
  printf "#!/bin/sh\nexec %s -L %s \"\$@\"\n" "$qemu" "$sysroot" >/mnt/qemu-aarch64
  chmod 755 /mnt/qemu-aarch64
  interpreter=/mnt/qemu-aarch64 flags=
fi
magic="\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00"
mask="\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff"
printf "%s" ":qemu-aarch64:M::$magic:$mask:$interpreter:$flags" >/proc/sys/fs/binfmt_misc/register 2>/dev/null ||
  { echo "with_arm64_binfmt: cannot register qemu-aarch64 in the namespace'"'"'s binfmt_misc" >&2; exit 125; }
set +e
exec "$@"
'
if ! unshare --user --map-root-user --mount --fork true 2>/dev/null; then
  echo "with_arm64_binfmt: cannot create a user namespace (unshare --user --map-root-user)" >&2
  exit 125
fi
exec unshare --user --map-root-user --mount --fork \
  bash -c "$inner" with_arm64_binfmt "$qemu" "${SLUGWRIGHT_ARM64_SYSROOT:-}" "$@"
