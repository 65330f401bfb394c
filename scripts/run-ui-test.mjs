// UI layer: Playwright drives the real workbench (code-server: Node extension host, real disk) as a
// user would, in a light and then a dark theme. Each scenario is a module in test/ui/*.ui.mjs
// exporting `default async (ctx) => void`; screenshots go to test-results/.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeAll, launchBrowser, root, startCodeServer } from './lib/harness.mjs';

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

function makeContext(page, workspace, themeName) {
  const ctx = {
    page,
    workspace,
    theme: themeName,
    log: (...args) => console.log(`  [${themeName}]`, ...args),
    async screenshot(name) {
      const file = path.join(results, `${name}-${themeName}.png`);
      await page.mouse.move(1435, 600); // no hover tooltip over the picture
      await page.screenshot({ path: file });
      ctx.log(`screenshot ${path.relative(root, file)}`);
      return file;
    },
    /**
     * Runs a command through the command palette, as a user types it. Commands of extensions that
     * are still loading appear late: the palette is reopened until the command is listed.
     */
    async runCommand(title, timeout = 90_000) {
      const deadline = Date.now() + timeout;
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      // A focused webview (an iframe) keeps F1 from the workbench: give focus back to it first.
      await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      for (;;) {
        // the palette recomputes its list on each edit: retyping picks up late commands
        await input.fill('>');
        await input.fill(`>${title}`);
        try {
          await row.waitFor({ timeout: 5_000 });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
      }
      await row.click();
    },
    /**
     * Waits for the quick pick whose title holds `title`, then picks the entry with this label, or
     * accepts the suggestion with Enter.
     */
    async quickPick(label, title) {
      const widget = page.locator('.quick-input-widget');
      await widget.waitFor({ state: 'visible' });
      if (title) {
        // the picker we wait for, not the one closing before it: by its title or its placeholder
        const ours = widget.locator('.quick-input-title', { hasText: title }).or(widget.locator(`input[placeholder*="${title}"]`));
        await ours.first().waitFor({ timeout: 60_000 });
      }
      if (label) {
        await page.locator('.quick-input-widget input').fill(label);
        // click the row: Enter would take whichever row is focused while the list still updates
        await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
      } else {
        await page.keyboard.press('Enter');
      }
    },
    /** The content frame of the webview whose tab has this title. */
    async webview(tabTitle) {
      await page.locator('.tab', { hasText: tabTitle }).first().waitFor({ timeout: 60_000 });
      const frame = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
      return frame;
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
// One fresh workbench per theme, the theme set in the profile's settings before it starts.
for (const [themeName, theme] of THEMES.filter(([name]) => !process.env.UI_THEME || name === process.env.UI_THEME)) {
  try {
    const { url, workspace } = await startCodeServer({ fixture: [path.join(root, 'examples'), path.join(root, 'test/fixtures/workspace')], theme });
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => process.env.VERBOSE && console.log('[pageerror]', e.message));
    await page.goto(url);
    await page.locator(`.monaco-workbench.${theme.includes('Dark') ? 'vs-dark' : 'vs'}`).waitFor({ timeout: 120_000 });
    await page.getByRole('treeitem', { name: 'textbook.csv' }).waitFor({ timeout: 120_000 });
    console.log(`[${themeName}] workbench ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const ctx = makeContext(page, workspace, themeName);
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
  } catch (error) {
    failed++;
    console.error(`UI test runner failed (${themeName}):`, error.message);
  } finally {
    await closeAll();
  }
}
console.log(`ui: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(failed ? 1 : 0);
