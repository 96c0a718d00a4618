#!/usr/bin/env bash
# Install Virtuoso (Debian's virtuoso-opensource) if missing, then run one on 127.0.0.1 with a private
# virtuoso.ini and database under var/virtuoso (or --dir DIR), the DBA password changed at start.
# It prints the settings that point an instance at it; Ctrl-C stops it.
#   scripts/virtuoso.sh [--dir DIR] [--password PW]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v virtuoso-t >/dev/null; then
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y virtuoso-opensource
fi
PY=${PY:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
exec "$PY" scripts/servers.py virtuoso "$@"
