# Shared by scripts/up, scripts/test and scripts/down: the environment, the
# database servers and the Python virtualenv. Source it; do not run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '%s\n' "$*" >&2; }

. "$ROOT/scripts/azurite.sh"

# Backups and audit archives go to Azure Blob Storage; with no connection string (or the development one),
# to a local Azurite started here (in memory: for tests and trying the platform, not for keeping backups).
ensure_azurite() {
  case "${AZURE_STORAGE_CONNECTION_STRING:-}" in
    ""|UseDevelopmentStorage=true)
      azurite_start || die "Azurite (the local Azure Blob emulator) could not start; see the message above"
      export AZURE_STORAGE_CONNECTION_STRING="$(azurite_connection_string)";;
  esac
}
die() { say "error: $*"; exit 1; }

# Variables dagster.yaml reads: exported with the .env.example defaults when unset.
load_env() {
  if [ -f .env ]; then
    set -a; . ./.env; set +a
  fi
  export POSTGRES_HOST="${POSTGRES_HOST:-127.0.0.1}" POSTGRES_PORT="${POSTGRES_PORT:-5432}"
  export POSTGRES_USER="${POSTGRES_USER:-postgres}" POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
  export POSTGRES_SSL_MODE="${POSTGRES_SSL_MODE:-prefer}" DAGSTER_PG_DB="${DAGSTER_PG_DB:-genims_dagster}"
  export PGSSLMODE="$POSTGRES_SSL_MODE"
  if [ -n "${POSTGRES_SSL_ROOT_CERT:-}" ]; then export PGSSLROOTCERT="$POSTGRES_SSL_ROOT_CERT"; fi
  export MYSQL_REPORTING_HOST="${MYSQL_REPORTING_HOST:-127.0.0.1}" MYSQL_REPORTING_PORT="${MYSQL_REPORTING_PORT:-3306}"
}

# The three audit accounts (shipper, reader, retention) that `genims setup` creates need passwords: fill
# the empty ones in .env with random values (never printed), and keep .env private.
generate_audit_passwords() {
  local variable generated=""
  for variable in MYSQL_AUDIT_PASSWORD MYSQL_AUDIT_READER_PASSWORD MYSQL_AUDIT_RETENTION_PASSWORD; do
    if grep -qE "^${variable}=.+" .env; then continue; fi
    local value
    value="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
    if grep -qE "^${variable}=" .env; then
      sed -i "s|^${variable}=.*|${variable}=${value}|" .env
    else
      printf '%s=%s\n' "$variable" "$value" >> .env
    fi
    generated="$generated $variable"
  done
  chmod 600 .env
  if [ -n "$generated" ]; then say "Generated passwords for the audit accounts in .env:$generated"; fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

is_local() { case "$1" in 127.*|localhost|::1) return 0;; *) return 1;; esac; }

wait_port() {
  local host=$1 port=$2 i
  for i in $(seq 1 30); do port_open "$host" "$port" && return 0; sleep 1; done
  return 1
}

# Start PostgreSQL and MariaDB when they are local, down, and this machine has them;
# otherwise say exactly what to start.
ensure_services() {
  if ! port_open "$POSTGRES_HOST" "$POSTGRES_PORT"; then
    if is_local "$POSTGRES_HOST" && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      say "PostgreSQL is not answering on $POSTGRES_HOST:$POSTGRES_PORT: starting it"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
      wait_port "$POSTGRES_HOST" "$POSTGRES_PORT" || die "PostgreSQL did not start; see /var/log/postgresql/"
    else
      die "PostgreSQL is not answering on $POSTGRES_HOST:$POSTGRES_PORT. Start it (Debian: apt-get install postgresql-15 && pg_ctlcluster 15 main start) or set POSTGRES_HOST/POSTGRES_PORT in .env"
    fi
  fi
  if ! port_open "$MYSQL_REPORTING_HOST" "$MYSQL_REPORTING_PORT"; then
    if is_local "$MYSQL_REPORTING_HOST" && [ -x /usr/sbin/mariadbd ] && command -v start-stop-daemon >/dev/null; then
      say "MariaDB is not answering on $MYSQL_REPORTING_HOST:$MYSQL_REPORTING_PORT: starting it"
      start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
      wait_port "$MYSQL_REPORTING_HOST" "$MYSQL_REPORTING_PORT" || die "MariaDB did not start; see /var/log/mysql/"
    else
      die "MySQL/MariaDB is not answering on $MYSQL_REPORTING_HOST:$MYSQL_REPORTING_PORT. Start it (Debian: apt-get install mariadb-server && start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) or set MYSQL_REPORTING_HOST/PORT in .env"
    fi
  fi
}

# The virtualenv is cached outside the checkout, keyed by pyproject.toml, so a
# fresh clone (CI) reuses it; the project itself is re-pointed at this checkout.
ensure_venv() {
  local py="${PYTHON:-python3}"
  command -v "$py" >/dev/null || die "python3 (3.11 or 3.12) is needed: apt-get install python3 python3-venv"
  "$py" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)' \
    || die "Python 3.11 or 3.12 is needed, found $("$py" --version 2>&1); set PYTHON=/path/to/python3.11"
  local key
  key="$( (cat pyproject.toml; "$py" --version) | sha256sum | cut -c1-16)"
  VENV="${GENIMS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/genims-insights/venv-$key}"
  if [ ! -f "$VENV/.complete" ]; then
    say "Creating the Python environment in $VENV (first run: about a minute)"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -e ".[test]"
    "$VENV/bin/pip" check
    touch "$VENV/.complete"
  fi
  # The editable install must point at THIS checkout (a shared venv may have served another clone).
  # Asked from / so that the answer comes from the venv, not from the current folder.
  if [ "$(cd / && "$VENV/bin/python" -c 'import genims_assets, os; print(os.path.dirname(os.path.dirname(genims_assets.__file__)))' 2>/dev/null)" != "$ROOT" ]; then
    "$VENV/bin/pip" install --quiet --no-deps -e .
  fi
  export PATH="$VENV/bin:$PATH"
}

chromium_present() { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; }

# The UI test drives Debian's chromium through chromedriver: installed when missing. The package lists
# are refreshed only when the install fails without it (a fresh image may have none, or stale ones).
ensure_chromium() {
  chromium_present && return 0
  local hint="the UI test needs Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"
  command -v apt-get >/dev/null || die "$hint"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=120)
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "$hint (as root: there is no sudo here)"
    apt=(sudo "${apt[@]}")
  fi
  say "Installing Debian's chromium and chromium-driver for the UI test (first run: a minute or two)"
  local install=(install -y --no-install-recommends chromium chromium-driver)
  "${apt[@]}" "${install[@]}" >/dev/null 2>&1 \
    || { "${apt[@]}" update >/dev/null && "${apt[@]}" "${install[@]}" >/dev/null; } \
    || die "could not install them (see above); $hint"
  chromium_present || die "installed, but /usr/bin/chromium or /usr/bin/chromedriver is missing; $hint"
}

dagster_home() {
  export DAGSTER_HOME="${DAGSTER_HOME:-$ROOT/.dagster_home}"
  mkdir -p "$DAGSTER_HOME/process_logs" "$DAGSTER_HOME/.nux"
  cp dagster.yaml "$DAGSTER_HOME/dagster.yaml"
  printf 'seen: 1\n' > "$DAGSTER_HOME/.nux/nux.yaml"
}
