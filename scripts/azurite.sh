# Azurite, the local Azure Blob Storage emulator, for tests and local runs. Source it; do not run it:
#   . scripts/azurite.sh
#   azurite_start                                        # installs on first use, then starts (or reuses) it
#   export AZURE_STORAGE_CONNECTION_STRING="$(azurite_connection_string)"
#   ...
#   azurite_stop                                         # stops it only if azurite_start started it
#
# Azurite comes from the npm registry (a pinned release) and is installed into a cache folder
# outside the checkout (AZURITE_HOME), so a fresh clone reuses it. It listens on
# 127.0.0.1:10000, the address the Azure SDKs mean by `UseDevelopmentStorage=true`, and keeps
# everything in memory: stopping it loses its data.
# The functions work under `set -euo pipefail` (scripts/lib.sh) and change neither the
# current folder nor the shell options.

AZURITE_VERSION="${AZURITE_VERSION:-3.37.0}"
AZURITE_HOST="127.0.0.1"
AZURITE_BLOB_PORT=10000
AZURITE_HOME="${AZURITE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/genims-insights/azurite-$AZURITE_VERSION}"

_azurite_say() { printf 'azurite: %s\n' "$*" >&2; }

_azurite_port_open() { (exec 3<>"/dev/tcp/$AZURITE_HOST/$AZURITE_BLOB_PORT") 2>/dev/null; }

_azurite_pid_file() { printf '%s/azurite-%s.pid' "$AZURITE_HOME" "$AZURITE_BLOB_PORT"; }

# Install Azurite from the npm registry into AZURITE_HOME (once). Returns non-zero with a message on failure.
azurite_install() {
  local bin="$AZURITE_HOME/node_modules/.bin/azurite-blob"
  if [ -x "$bin" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    _azurite_say "npm is needed to install Azurite: apt-get install -y nodejs npm (Node.js 18 or newer)"
    return 1
  fi
  mkdir -p "$AZURITE_HOME"
  _azurite_say "installing azurite@$AZURITE_VERSION into $AZURITE_HOME (first use only)"
  if ! npm install --prefix "$AZURITE_HOME" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >&2; then
    _azurite_say "npm install azurite@$AZURITE_VERSION failed; check the network access to the npm registry"
    return 1
  fi
  [ -x "$bin" ] || { _azurite_say "azurite-blob is missing from $AZURITE_HOME after npm install"; return 1; }
}

# Start the blob service on 127.0.0.1:AZURITE_BLOB_PORT unless something already answers there.
# Sets AZURITE_STARTED=1 when this call started it (azurite_stop then stops it), 0 when it reused one.
azurite_start() {
  AZURITE_STARTED=0
  if _azurite_port_open; then
    _azurite_say "reusing the Azurite already listening on $AZURITE_HOST:$AZURITE_BLOB_PORT"
    return 0
  fi
  azurite_install || return 1
  local log="$AZURITE_HOME/azurite-$AZURITE_BLOB_PORT.log" i
  # setsid: its own process group, so the caller's Ctrl-C or exit does not kill it half-way.
  setsid "$AZURITE_HOME/node_modules/.bin/azurite-blob" \
    --blobHost "$AZURITE_HOST" --blobPort "$AZURITE_BLOB_PORT" \
    --inMemoryPersistence --skipApiVersionCheck --loose --silent \
    >"$log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$(_azurite_pid_file)"
  for i in $(seq 1 60); do
    if _azurite_port_open; then
      AZURITE_STARTED=1
      _azurite_say "started on $AZURITE_HOST:$AZURITE_BLOB_PORT (pid $(cat "$(_azurite_pid_file)"), in memory)"
      return 0
    fi
    if ! kill -0 "$(cat "$(_azurite_pid_file)")" 2>/dev/null; then
      # Another process may have bound the port at the same moment: use it if it answers.
      if _azurite_port_open; then
        rm -f "$(_azurite_pid_file)"
        return 0
      fi
      _azurite_say "Azurite exited at start; its log: $log"
      tail -n 20 "$log" >&2 || true
      rm -f "$(_azurite_pid_file)"
      return 1
    fi
    sleep 0.5
  done
  _azurite_say "Azurite did not answer on $AZURITE_HOST:$AZURITE_BLOB_PORT within 30 s; its log: $log"
  return 1
}

# Stop the Azurite that azurite_start started (by its recorded pid); never one started by someone else.
azurite_stop() {
  local pid_file pid
  pid_file="$(_azurite_pid_file)"
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pid_file"
}

# The connection string of the local Azurite account (for AZURE_STORAGE_CONNECTION_STRING): the
# SDKs expand it to http://127.0.0.1:10000/devstoreaccount1 and Azurite's public development key.
azurite_connection_string() {
  printf 'UseDevelopmentStorage=true'
}
