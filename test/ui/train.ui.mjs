// A user trains from the command palette: Train (batch) → pick the CSV, accept the suggested target
// and features → the panel plots the loss → the report shows up in the Explorer. Then a longer run
// started from the panel's own controls, captured mid-run and finished. Also: a CSV whose header
// holds HTML shows it as text.
import assert from 'node:assert/strict';

async function waitForPoints(frame, min = 1, timeout = 120_000) {
  await frame.locator(`body[data-points]`).waitFor({ timeout });
  const deadline = Date.now() + timeout;
  for (;;) {
    const n = Number(await frame.locator('body').getAttribute('data-points'));
    if (n >= min) return n;
    if (Date.now() > deadline) throw new Error(`chart has ${n} points, expected ${min}`);
    // each getAttribute is a round trip to the page: the loop waits on the page, not on a timer
  }
}

/**
 * Time the workbench takes to show a nearly empty webview panel: the Markdown preview of a short
 * file. Cold, like our first run: both include activating an extension.
 */
async function emptyWebviewBaseline(ctx) {
  const { page } = ctx;
  await ctx.runCommand('Go to File');
  await ctx.quickPick('README.md', 'Search files');
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor({ timeout: 60_000 });
  const started = Date.now();
  await ctx.runCommand('Markdown: Open Preview');
  const frame = page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  await frame.locator('h1').first().waitFor({ timeout: 60_000 });
  const ms = Date.now() - started;
  await ctx.closeAllEditors();
  return ms;
}

export default async function trainFromPalette(ctx) {
  const { page } = ctx;
  const baselineMs = await emptyWebviewBaseline(ctx);

  // Command palette → Train (batch) → textbook.csv, suggested target and features.
  const started = Date.now();
  await ctx.runCommand('CSV Trainer: Train (batch)');
  await ctx.quickPick('textbook.csv', 'Train (batch)');
  await ctx.quickPick(undefined, 'target column'); // the suggestion: y
  await ctx.quickPick(undefined, 'features'); // the suggestion: x
  const frame = await ctx.webview('Train (batch)');
  await waitForPoints(frame, 1);
  const firstPointMs = Date.now() - started;
  ctx.log(
    `command → first loss point: ${firstPointMs} ms; empty webview panel (Markdown preview): ${baselineMs} ms; ` +
      `ratio ${(firstPointMs / baselineMs).toFixed(2)} (target ≤ 2)`,
  );

  assert.match(await frame.locator('.subtitle').textContent(), /^y ← x$/);
  await frame.locator('#status', { hasText: 'Done.' }).waitFor({ timeout: 120_000 });
  await frame.locator('.report-path', { hasText: 'Report saved' }).waitFor({ timeout: 30_000 });
  assert.match(await frame.locator('#backend').textContent(), /backend: (webgl|wasm|cpu)/);

  // The report is in the Explorer.
  const reportName = (await frame.locator('.report-path').textContent()).split('/').pop();
  // (the Explorer compacts `.csv-trainer/runs` into one row; expanding it shows the reports)
  const reportItem = page.getByRole('treeitem', { name: reportName, exact: true });
  if (!(await reportItem.isVisible())) await page.locator('.explorer-folders-view .monaco-list-row', { hasText: '.csv-trainer' }).first().click();
  await reportItem.waitFor({ timeout: 30_000 });

  // A longer run from the panel's own controls, to its end.
  const epochs = frame.locator('#field-epochs input');
  await epochs.fill('1500');
  const previousReport = await frame.locator('.report-path').textContent();
  await frame.locator('#start').click();
  // a short run may be over before "Training…" could be seen: wait for its own report instead
  await frame.locator('.report-path', { hasText: 'Report saved' }).filter({ hasNotText: previousReport }).waitFor({ timeout: 180_000 });
  assert.match(await frame.locator('#status').textContent(), /^Done\./);
  await ctx.screenshot('training-panel-finished');

  // A run too long to finish: paused from the keyboard mid-way, resumed, then stopped. A stopped
  // run still gets its report.
  await epochs.fill('200000'); // over the limit: the panel says why, and starts nothing
  await frame.locator('#start').click();
  await frame.locator('#status', { hasText: 'epochs must be an integer in [1, 100000]' }).waitFor();
  await epochs.fill('90000');
  await frame.locator('#start').click();
  await frame.locator('#status', { hasText: 'Training' }).waitFor();
  await waitForPoints(frame, 300);
  await frame.locator('#pause').press('Enter');
  await frame.locator('#status', { hasText: 'Paused.' }).waitFor();
  await ctx.screenshot('training-panel-midrun');
  await frame.locator('#pause', { hasText: 'Resume' }).press('Enter');
  await frame.locator('#status', { hasText: 'Training' }).waitFor();
  await frame.locator('#stop').press('Enter');
  await frame.locator('#status', { hasText: 'Stopped.' }).waitFor({ timeout: 30_000 });
  await frame.locator('.report-path', { hasText: 'Report saved' }).waitFor({ timeout: 30_000 });
  await ctx.closeAllEditors();

  // Open Run Report draws the newest saved run again, read-only.
  await ctx.runCommand('CSV Trainer: Open Run Report');
  await ctx.quickPick(undefined, 'Open Run Report');
  const report = await ctx.webview('Run report');
  await report.locator('#status', { hasText: 'Saved run of' }).waitFor({ timeout: 60_000 });
  assert.match(await report.locator('.title').textContent(), /^Run report — textbook\.csv \(batch\)$/);
  assert.ok(Number(await report.locator('body').getAttribute('data-points')) > 0, 'the report view has no curve');
  await ctx.screenshot('run-report');
  await ctx.closeAllEditors();

  // A header holding HTML is shown as text, never parsed.
  await ctx.runCommand('CSV Trainer: Train (batch)');
  await ctx.quickPick('html-header.csv', 'Train (batch)');
  await ctx.quickPick(undefined, 'target column');
  await ctx.quickPick(undefined, 'features');
  const htmlFrame = await ctx.webview('Train (batch)');
  await htmlFrame.locator('.subtitle', { hasText: '<b>target</b>' }).waitFor({ timeout: 60_000 });
  assert.equal(await htmlFrame.locator('.subtitle').textContent(), '<b>target</b> ← <img src=x onerror=alert(1)>');
  assert.equal(await htmlFrame.locator('img').count(), 0);
  assert.equal(await htmlFrame.locator('.subtitle b').count(), 0);
  await htmlFrame.locator('#status', { hasText: 'Done.' }).waitFor({ timeout: 120_000 });

  // After a window reload the panel comes back with its last run (the serializer).
  if (ctx.theme === 'light') {
    await ctx.runCommand('Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    const restored = await ctx.webview('Train (batch)');
    await restored.locator('#status', { hasText: 'Restored the last run' }).waitFor({ timeout: 120_000 });
    assert.equal(await restored.locator('.subtitle').textContent(), '<b>target</b> ← <img src=x onerror=alert(1)>');
    assert.match(await restored.locator('.report-path').textContent(), /Report saved: \.csv-trainer\/runs\/.+\.json/);
  }
}
