#!/usr/bin/env bash
# Run a command with the network cut off, so that a hidden download fails the tests instead of
# passing on a machine that happens to have internet. As root: a new network namespace with only
# the loopback interface (Jupyter kernels and chapter 9's workers talk over 127.0.0.1). Elsewhere the
# command runs as it is, with a notice; under CI (CI set) that is an error, since CI must prove it.
set -euo pipefail
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null \
   && unshare -n true 2>/dev/null; then
  exec unshare -n bash -c 'ip link set lo up && TFBOOK_NETWORK_BLOCKED=1 exec "$@"' offline "$@"
fi
if [ -n "${CI:-}" ]; then
  echo "tests/offline.sh: cannot block the network here (needs root, unshare and ip); CI must." >&2
  exit 1
fi
echo "tests/offline.sh: network NOT blocked (not root); a hidden download would go unnoticed." >&2
exec "$@"
