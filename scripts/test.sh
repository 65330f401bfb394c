#!/usr/bin/env bash
# `npm test`: every layer, from a fresh clone. Installs what is missing (npm ci, Debian chromium,
# code-server into a machine-wide cache), builds, then runs unit, integration (VS Code for the Web
# and code-server) and UI tests. Each layer prints "N passed, N failed"; any failure fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

step() { printf '\n=== %s ===\n' "$*"; }
failed=()

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund || exit 1
fi
if ! command -v chromium >/dev/null 2>&1 && [ -z "${CHROMIUM_PATH:-}" ]; then
  step "apt-get install chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null || exit 1
fi

step "build"
node esbuild.mjs || exit 1

step "typecheck"
npm run -s typecheck || failed+=(typecheck)

step "unit tests"
npm run -s test:unit || failed+=(unit)

if [ "${SKIP_VSCODE_TESTS:-0}" != 1 ]; then
  step "integration: VS Code for the Web"
  node scripts/run-web-tests.mjs || failed+=(integration-web)

  step "integration: code-server (Node extension host, real disk)"
  if CS_DIR=$(bash scripts/install-code-server.sh | tail -n 1); then
    CS_DIR="$CS_DIR" node scripts/run-codeserver-tests.mjs || failed+=(integration-code-server)
  else
    failed+=(install-code-server)
  fi

  step "ui tests"
  node scripts/run-ui-test.mjs || failed+=(ui)
fi

if ((${#failed[@]})); then
  printf '\nFAILED layers: %s\n' "${failed[*]}"
  exit 1
fi
printf '\nall layers passed\n'
