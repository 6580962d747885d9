# Shared by scripts/demo and scripts/test: the virtual environment and the install step.
# Sourced, not run. Installs only from the project's own files (pyproject.toml).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${KAA_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
       && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "KAA needs Python 3.11 (python3.11 or python3 on PATH)." >&2
  return 1
}

ensure_venv() {
  local extras="$1"  # "", "demo" or "test"
  if [ ! -x "$PY" ]; then
    echo "==> Creating virtual environment in $VENV"
    "$(find_python)" -m venv "$VENV"
    "$PY" -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
  fi
  # Reinstall only when pyproject.toml changed since the last install of the same extras.
  local stamp="$VENV/.kaa-installed-${extras:-base}"
  local digest
  digest="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> Installing dependencies"
    local target="."
    [ -n "$extras" ] && target=".[${extras}]"
    # This machine's pip config names local mirrors that may be absent: drop those warnings.
    "$PY" -m pip install --quiet --disable-pip-version-check -e "$target" 2>&1 \
      | grep -v "is ignored: it is neither a file nor a directory" || true
    "$PY" -c "import django, celery" || { echo "Installing failed (see above)." >&2; exit 1; }
    echo "$digest" > "$stamp"
  fi
  mkdir -p "$ROOT/var"
}

compile_locales() {
  # django-admin, not manage.py: compiling needs no settings (and so no SECRET_KEY).
  (unset DJANGO_SETTINGS_MODULE; "$VENV/bin/django-admin" compilemessages --ignore=.venv \
    --verbosity 0)
}

ensure_test_provider() {
  # The OpenID Connect provider the single sign-on tests run on loopback (tests/oidc, the npm
  # package oidc-provider on the machine's Node).
  local dir="$ROOT/tests/oidc"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> Installing Debian's Node.js for the single sign-on tests"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
    else
      echo "Node.js missing: run 'sudo apt-get install -y nodejs npm'." >&2
      exit 1
    fi
  fi
  npm_ci_when_changed "$dir" "the test OpenID provider"
}

npm_ci_when_changed() {
  # npm ci in a test tool's folder from its lock file, again only when the lock file changed
  # since the last install there.
  local dir="$1" what="$2"
  local stamp="$dir/node_modules/.kaa-installed"
  local digest
  digest="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> Installing $what (npm ci in ${dir#"$ROOT"/})"
    (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
    echo "$digest" > "$stamp"
  fi
}

ensure_nginx() {
  # The scale-out test (tests/kaa/test_scale_out.py) runs Debian's nginx as a proxy in front of
  # two web processes, as its own user with a generated configuration (no service is started).
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> Installing Debian's nginx for the scale-out test"
      apt-get update -qq
      # policy-rc.d answers 101: the package must not start nginx as a service here.
      local policy=/usr/sbin/policy-rc.d made_policy=""
      if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
      fi
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
      if [ -n "$made_policy" ]; then rm -f "$policy"; fi
    else
      echo "nginx missing: run 'sudo apt-get install -y nginx-light'." >&2
      exit 1
    fi
  fi
}

ensure_html_validator() {
  # The Nu Html Checker (npm's vnu-jar, pinned in tests/vnu's lock file) that
  # tests/kaa/test_html_valid.py runs on the machine's Java (Debian's headless JRE where
  # missing). npm comes with ensure_test_provider, which runs first.
  local dir="$ROOT/tests/vnu"
  if ! command -v java >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "==> Installing Debian's Java runtime for the HTML validator"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
    else
      echo "Java missing: run 'sudo apt-get install -y default-jre-headless'." >&2
      exit 1
    fi
  fi
  npm_ci_when_changed "$dir" "the HTML validator"
}
