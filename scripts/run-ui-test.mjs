// UI layer: Playwright drives the real workbench (code-server: Node extension host, real disk) as a
// user would, in a light and then a dark theme. Each scenario is a module in test/ui/*.ui.mjs
// exporting `default async (ctx) => void`; screenshots go to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeAll, launchBrowser, root, startCodeServer, userSettings } from './lib/harness.mjs';

const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const only = process.env.UI_SCENARIO;
const scenarios = fs
  .readdirSync(path.join(root, 'test/ui'))
  .filter((f) => f.endsWith('.ui.mjs') && (!only || f.includes(only)))
  .sort();

const THEMES = [
  ['light', 'Default Light Modern'],
  ['dark', 'Default Dark Modern'],
];

function makeContext(page, workspace, settingsFile, themeName) {
  const ctx = {
    page,
    workspace,
    theme: themeName,
    log: (...args) => console.log(`  [${themeName}]`, ...args),
    async screenshot(name) {
      const file = path.join(results, `${name}-${themeName}.png`);
      await page.screenshot({ path: file });
      ctx.log(`screenshot ${path.relative(root, file)}`);
      return file;
    },
    /** Runs a command through the command palette, as a user types it. */
    async runCommand(title) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
      await page.keyboard.press('Enter');
    },
    /** Picks an entry in the open quick pick by its label, or accepts the default with Enter. */
    async quickPick(label) {
      const widget = page.locator('.quick-input-widget');
      await widget.waitFor({ state: 'visible' });
      if (label) {
        await page.locator('.quick-input-widget input').fill(label);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
      }
      await page.keyboard.press('Enter');
    },
    /** The content frame of the webview whose tab has this title. */
    async webview(tabTitle) {
      await page.locator('.tab', { hasText: tabTitle }).first().waitFor({ timeout: 60_000 });
      const frame = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
      return frame;
    },
    async setTheme(theme) {
      fs.writeFileSync(settingsFile, JSON.stringify(userSettings(theme), null, 2));
      const cls = theme.includes('Dark') ? 'vs-dark' : 'vs';
      await page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: 30_000 });
    },
    async closeAllEditors() {
      await ctx.runCommand('View: Close All Editors');
      await page.locator('.tab').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
    },
  };
  return ctx;
}

const t0 = Date.now();
let passed = 0;
let failed = 0;
try {
  const { url, workspace, settingsFile } = await startCodeServer({ fixture: [path.join(root, 'examples'), path.join(root, 'test/fixtures/workspace')] });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => process.env.VERBOSE && console.log('[pageerror]', e.message));
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.getByRole('treeitem', { name: 'textbook.csv' }).waitFor({ timeout: 120_000 });
  console.log(`workbench ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  for (const [themeName, theme] of THEMES) {
    const ctx = makeContext(page, workspace, settingsFile, themeName);
    await ctx.setTheme(theme);
    for (const file of scenarios) {
      const name = `${file.replace('.ui.mjs', '')} (${themeName})`;
      const started = Date.now();
      try {
        const scenario = (await import(pathToFileURL(path.join(root, 'test/ui', file)).href)).default;
        await scenario(ctx);
        passed++;
        console.log(`  ✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed++;
        console.log(`  ✘ ${name}: ${error.message}`);
        await page.screenshot({ path: path.join(results, `FAILED-${file}-${themeName}.png`) }).catch(() => undefined);
      }
      await ctx.closeAllEditors().catch(() => undefined);
    }
  }
} catch (error) {
  failed++;
  console.error('UI test runner failed:', error.message);
} finally {
  await closeAll();
}
console.log(`ui: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);
