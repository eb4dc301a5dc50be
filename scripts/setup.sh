#!/usr/bin/env bash
# Installs what building, trying and testing judge-align need, and only what is missing:
#   Debian packages: chromium (UI tests), libkrb5-dev (code-server's kerberos addon), ripgrep (code-server search)
#   npm packages of the project (npm ci)
#   code-server 4.100.3 (VS Code 1.100, the last release on node 20) in the gitignored .cache/code-server
# Safe to run again: a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CODE_SERVER_VERSION=4.100.3
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
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- code-server, cached outside the repo's tracked files ---------------------------------------
CS_DIR="$CACHE/code-server"
CS_MARK="$CS_DIR/.installed-$CODE_SERVER_VERSION"
if [ ! -f "$CS_MARK" ]; then
  say "installing code-server $CODE_SERVER_VERSION into .cache/code-server (about a minute)"
  mkdir -p "$CS_DIR" "$CACHE/tmp"
  # @vscode/ripgrep downloads rg in its postinstall; it looks in its cache first, so give it Debian's rg.
  RG_CACHE="$CACHE/tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  if [ ! -f "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
    tmp="$(mktemp -d)"; cp "$(command -v rg)" "$tmp/rg"
    tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp" rg
    rm -rf "$tmp"
  fi
  cat > "$CS_DIR/package.json" <<JSON
{ "name": "judge-align-code-server", "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" } }
JSON
  (
    cd "$CS_DIR"
    # code-server and its native modules need their install scripts. npm 11 blocks dependency scripts until
    # they are approved: install, approve the ones this folder pulled in, then run them (rebuild).
    export TMPDIR="$CACHE/tmp" npm_config_yes=true npm_config_unsafe_perm=true
    {
      npm install --no-audit --no-fund --loglevel=error &&
        { npm install-scripts approve --all 2>/dev/null || true; } &&
        npm rebuild --foreground-scripts
    } >"$CACHE/code-server-install.log" 2>&1 \
      || { say "code-server install failed; see .cache/code-server-install.log"; tail -20 "$CACHE/code-server-install.log"; exit 1; }
  )
  "$CS_DIR/node_modules/.bin/code-server" --version >/dev/null
  touch "$CS_MARK"
fi
say "ready: $("$CS_DIR/node_modules/.bin/code-server" --version | head -1 | cut -d' ' -f1) · chromium $(chromium --version 2>/dev/null | awk '{print $2}') · node $(node --version)"
