#!/usr/bin/env bash
# The README's first command: installs what is missing, builds and packages the extension, installs it into a
# local VS Code (code-server) and opens the sample workspace. Prints the URL to open; Ctrl-C stops it.
#   PORT=8080 bash scripts/try.sh          (default port 8080; HOST=0.0.0.0 to reach it from another machine)
# Without OPENAI_API_KEY, judges answer from a local scripted demo endpoint, so the whole loop works offline.
# A second try.sh while one runs (or is still starting) prints the first one's URL and exits, before building.
# For tests and scripts:
#   JUDGE_ALIGN_TRY_NO_BUILD=1   skip setup and packaging: use the dist/judge-align.vsix already built
#   JUDGE_ALIGN_TRY_DIR=DIR      keep the demo's VS Code data, workspace copy and running.json in DIR (default .cache/try)
set -euo pipefail
cd "$(dirname "$0")/.."
# On a fresh clone, setup first (try.ts needs the npm packages); otherwise try.ts looks for a running demo first and
# then runs setup and packaging itself, so a second try.sh never rebuilds the vsix the first one is installing.
if [ ! -e node_modules/tsx ] && [ "${JUDGE_ALIGN_TRY_NO_BUILD:-}" != 1 ]; then
  bash scripts/setup.sh
  exec node --import tsx scripts/try.ts --setup-done
fi
exec node --import tsx scripts/try.ts
