#!/usr/bin/env bash
# The scaled set-up on this machine, to try it out (see README, "Production and scaling").
#
#   deploy/cluster.sh up [--dir DIR] [--rasa-servers 2] [--web-workers 2] [--web-port 8000]
#   deploy/cluster.sh status [--dir DIR]
#   deploy/cluster.sh down [--dir DIR] [--keep]
#
# `up` starts throwaway PostgreSQL and Redis instances (Debian packages from
# scripts/setup.sh) on free loopback ports in DIR (default /tmp/lwiw-cluster), two Rasa
# servers behind nginx, one action server and the web app with two workers, and returns
# when the web app answers. `down` stops all of it and removes DIR. The code lives with the
# tests (tests/support/cluster.py), which use the same cluster.
#
# Production does not use this: there the host's systemd runs the processes
# (deploy/systemd/).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  up|status|down) ;;
  serve)
    echo "deploy/cluster.sh serve is gone: production runs under systemd (deploy/systemd/," \
         "README \"Production and scaling\")" >&2
    exit 2 ;;
  *)
    echo "usage: deploy/cluster.sh up|status|down [--dir DIR] ..." >&2
    exit 2 ;;
esac
[ -x .venv/bin/python ] || bash scripts/setup.sh
exec .venv/bin/python -m tests.support.cluster "$@"
