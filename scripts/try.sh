#!/usr/bin/env bash
# The README's first command: installs what is missing, builds and packages the extension, installs it into a
# local VS Code (code-server) and opens the sample workspace. Prints the URL to open; Ctrl-C stops it.
#   PORT=8080 bash scripts/try.sh          (default port 8080; HOST=0.0.0.0 to reach it from another machine)
# Without OPENAI_API_KEY, judges answer from a local scripted demo endpoint, so the whole loop works offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[try] building and packaging the extension"
npm run --silent package >/dev/null 2>&1 || { echo "[try] packaging failed: run npm run package to see why"; exit 1; }
exec node --import tsx scripts/try.ts
