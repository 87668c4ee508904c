#!/usr/bin/env bash
# Installs what is missing on a fresh machine and builds the assistant. Idempotent and quick
# when nothing changed. Used by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages: WeasyPrint's libraries and fonts, chromium for the browser tests,
#     poppler for PDF pictures, nodejs/npm for axe-core, PostgreSQL, Redis and nginx for the
#     local cluster (tests/support/cluster.py runs them as throwaway instances, not as system
#     services), faketime for `make test`'s second run of the date-dependent tests, a year
#     ahead, systemd for `systemd-analyze verify` of deploy/systemd/ (no systemd needs to run).
DEB_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
              fonts-liberation fonts-noto-color-emoji chromium poppler-utils postgresql redis-server
              nginx faketime systemd)
# node may come from another source (e.g. nodesource, which bundles npm); only add Debian's
# packages when there is no npm at all
command -v npm >/dev/null 2>&1 || DEB_PACKAGES+=(nodejs npm)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python 3.10 (Rasa 3.6 supports 3.8–3.10)
find_python() {
  for candidate in python3.10 "$(command -v pyenv >/dev/null && pyenv root 2>/dev/null)/versions/3.10"*/bin/python3.10 \
                   /root/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    if [ -x "$(command -v "$candidate" 2>/dev/null || echo "$candidate")" ] \
       && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}
if [ ! -x .venv/bin/python ]; then
  PY=$(find_python) || { echo "Python 3.10 is needed (Rasa 3.6.21 supports 3.8-3.10)" >&2; exit 1; }
  log "creating .venv with $PY"
  "$PY" -m venv .venv
fi

# --- Python packages, pinned in requirements.lock
stamp=.venv/.lwiw-requirements.sha256
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing Python packages (requirements.lock)"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > "$stamp"
fi

# --- axe-core for the accessibility checks (from the npm registry, pinned)
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  log "installing axe-core"
  npm install --no-audit --no-fund --silent >/dev/null
fi

# --- spaCy pipeline, generated Rasa files, trained model (each only when inputs changed)
log "building (spaCy pipeline, generated files, model if data changed)"
.venv/bin/lwiw build
