#!/usr/bin/env bash
# Installs the Debian packages the werkplek's tests need (issues 24 and 25) when they are missing.
#
#   scripts/infra-deps.sh   PostgreSQL's server binaries (package postgresql: initdb, postgres,
#                           psql). The tests make a throwaway cluster in a temporary folder
#                           (tests/support/postgres.py); the install itself creates no cluster
#                           and leaves no server running on port 5432.
#
# Chromium, which the browser tests drive, comes from `scripts/system-deps.sh --test`.
# Idempotent and fast when everything is there: only missing packages are installed.
set -euo pipefail

# the binaries may come from elsewhere (PG_BINDIR, a PostgreSQL on the PATH); Debian keeps them
# in /usr/lib/postgresql/N/bin, which is not on the PATH
have_server() {
  [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/postgres" ] && return 0
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

missing=()
have_server || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "infra-deps: missing ${missing[*]} and no apt-get here; install them by hand" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "infra-deps: missing ${missing[*]}; run as root to install them" >&2; exit 0
  fi
fi
# Debian's postgresql-common makes a cluster 'main' and starts it on 5432 unless told not to;
# the tests need neither (a file of our own beside the package's, read before its defaults)
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" \
    | $sudo tee /etc/postgresql-common/createcluster.d/jaarverslag-tests.conf >/dev/null
fi
echo "infra-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
