#!/usr/bin/env bash
# The scaled set-up on this machine (see README, "Production and scaling").
#
#   deploy/cluster.sh up [--dir DIR] [--rasa-servers 2] [--web-workers 2] [--web-port 8000]
#   deploy/cluster.sh status [--dir DIR]
#   deploy/cluster.sh down [--dir DIR] [--keep]
#   deploy/cluster.sh serve            # production: one host, configured by LWIW_* variables
#
# `up` starts throwaway PostgreSQL and Redis instances (Debian packages, installed when
# missing) on free loopback ports in DIR (default /tmp/lwiw-cluster), two Rasa servers
# behind nginx, one action server and the web app with two workers, and returns when the
# web app answers. `down` stops all of it and removes DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
exec .venv/bin/python -m bot.cluster "$@"
