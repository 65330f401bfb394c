// A user compares batch and online training from the command palette: Compare Batch and Online →
// pick the CSV, accept the suggested target and features → both runs train → the comparison view
// overlays the curves and tables the runs. Then Compare Reports on the two run reports just saved:
// their configurations side by side, and "differences only"; a window reload brings that view back.
// Screenshots of both views.
import assert from 'node:assert/strict';

export default async function compareFromPalette(ctx) {
  const { page } = ctx;
  await ctx.runCommand('CSV Trainer: Compare Batch and Online');
  await ctx.quickPick('housing.csv', 'Compare Batch and Online');
  await ctx.quickPick(undefined, 'target column'); // the suggestion: price_k
  await ctx.quickPick(undefined, 'features'); // the suggestion: the numeric columns
  const view = await ctx.webview('Compare: housing.csv');
  await view.locator('body[data-runs="2"]').waitFor({ timeout: 240_000 });

  assert.match(await view.locator('.title').textContent(), /^Batch vs online — .*housing\.csv$/);
  const rows = view.locator('.runs-table tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /batch/);
  assert.match(await rows.nth(1).textContent(), /online/);
  assert.match(
    await view.locator('#comparison-path').textContent(),
    /Comparison report saved: .*-compare\.json/,
  );
  // two curves and the least-squares line in the legend
  assert.equal(await view.locator('.loss-chart__legend-item').count(), 2);
  assert.match(await view.locator('.loss-chart__legend-entry--reference').textContent(), /Least squares/);
  await ctx.screenshot('compare-view');

  // the x axis by wall time
  await view.locator('#compare-x').click();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  // each evaluate is a round trip to the page: the loop waits on the page, not on a timer
  const deadline = Date.now() + 10_000;
  while ((await view.locator('#compare-x').evaluate((select) => select.value)) !== 'time') {
    if (Date.now() > deadline) throw new Error('the x axis did not switch to wall time');
  }
  assert.match(await view.locator('.loss-chart__plot').getAttribute('aria-label'), /Loss chart/);
  await ctx.screenshot('compare-view-wall-time');
  await ctx.closeAllEditors();

  // Compare Reports: the two run reports from the quick pick of the reports folder
  await ctx.runCommand('CSV Trainer: Compare Reports');
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: 'Compare Reports' }).waitFor({ timeout: 60_000 });
  const choices = widget.locator('.quick-input-list .monaco-list-row');
  await choices.nth(1).waitFor();
  await choices.nth(0).click();
  await choices.nth(1).click();
  await widget.locator('.quick-input-count', { hasText: '2' }).waitFor();
  await page.keyboard.press('Enter');
  const reports = await ctx.webview('Compare 2 reports');
  await reports.locator('body[data-runs="2"]').waitFor({ timeout: 60_000 });
  const config = reports.locator('.config-table tbody tr');
  const all = await config.count();
  assert.ok(all > 10, `the config table has ${all} rows`);
  await ctx.screenshot('compare-reports');

  await reports.locator('#differences-only').click();
  await reports.locator('body[data-differences-only="true"]').waitFor();
  const shown = await reports.locator('.config-table tbody tr:visible').count();
  assert.ok(shown > 0 && shown < all, `differences only shows ${shown} of ${all} rows`);
  // batch and online runs differ at least in mode
  assert.match(await reports.locator('.config-table tbody tr:visible').first().textContent(), /mode/);
  await reports.locator('.config-table').scrollIntoViewIfNeeded();
  await ctx.screenshot('compare-reports-differences');

  // After a window reload the view comes back: the host re-reads the two reports it was made from.
  if (ctx.theme === 'light') {
    await ctx.runCommand('Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    const restored = await ctx.webview('Compare 2 reports');
    await restored.locator('body[data-runs="2"]').waitFor({ timeout: 120_000 });
    assert.equal(await restored.locator('.runs-table tbody tr').count(), 2);
    assert.ok((await restored.locator('.config-table tbody tr').count()) > 10);
  }
}
