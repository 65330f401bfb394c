// A user inspects a CSV from the command palette: Inspect CSV → pick the file → the CSV Inspector
// shows the dialect, the column profile and the preview grid; screenshots of textbook.csv and of a
// multi-column example (numbers, categories, booleans). Then Train (batch) from the inspector opens
// the training panel.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** A CSV large enough that profiling takes seconds: written into the test workspace, removed after. */
function writeLargeCsv(file, megabytes) {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'id,amount,ratio,label,note\n');
    let written = 0;
    let id = 0;
    while (written < megabytes * 1e6) {
      let block = '';
      for (let k = 0; k < 20_000; k++, id++)
        block += `${id},${(id * 7919) % 100_000},${((id % 977) / 977).toFixed(5)},group${id % 13},"row ${id}, quoted"\n`;
      written += fs.writeSync(fd, block);
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function inspect(ctx, fileName, { waitForProfile = true } = {}) {
  await ctx.runCommand('CSV Trainer: Inspect CSV');
  await ctx.quickPick(fileName, 'Inspect CSV');
  const frame = await ctx.webview(fileName);
  if (!waitForProfile) return frame;
  await frame.locator('body[data-profile="done"]').waitFor({ timeout: 60_000 });
  await frame.locator('#columns tbody tr').first().waitFor();
  // The grid has rows with their data (fetched from the host by seeking).
  await frame.locator('#grid .grid-layer .grid-row[data-loaded="true"]').first().waitFor({ timeout: 30_000 });
  return frame;
}

export default async function inspectFromPalette(ctx) {
  const frame = await inspect(ctx, 'textbook.csv');
  const facts = await frame.locator('#dialect').textContent();
  assert.match(facts, /Rows\s*100/);
  assert.match(facts, /Delimiter\s*comma/);
  assert.deepEqual(await frame.locator('#columns tbody th').allTextContents(), ['x', 'y']);
  assert.deepEqual(await frame.locator('#columns tbody .type').allTextContents(), ['number', 'number']);
  assert.equal(
    (await frame.locator('#columns tbody tr').first().locator('.histogram .bar').count()) > 0,
    true,
  );
  assert.match(await frame.locator('#grid .grid-position').textContent(), /of 100$/);
  await ctx.screenshot('inspector');

  // Train (batch) from the inspector, with the suggested target (y) and feature (x).
  assert.equal(await frame.locator('#features vscode-checkbox').count(), 1);
  await frame.locator('#train-batch').click();
  const training = await ctx.webview('Train (batch)');
  await training.locator('.report-path', { hasText: 'Report saved' }).waitFor({ timeout: 120_000 });
  ctx.log('Train (batch) from the inspector trained y from x and saved a report');
  // Give the keyboard back to the workbench (the command palette does not open from a webview's focus).
  await ctx.page.getByRole('treeitem', { name: 'README.md' }).click();
  await ctx.closeAllEditors();

  // A malformed row is a problem with its line; clicking it opens the text at that line, where the
  // status bar names the column under the cursor.
  const broken = await inspect(ctx, 'malformed.csv');
  await broken.locator('#problems .problem-message', { hasText: 'expected 3 fields' }).waitFor();
  await broken.locator('#problems a.problem-line', { hasText: 'Line 4' }).click();
  await ctx.page
    .locator('.monaco-editor .view-lines', { hasText: '7,8' })
    .first()
    .waitFor({ timeout: 30_000 });
  await ctx.page
    .locator('.statusbar-item', { hasText: 'Column 1/3: a' })
    .first()
    .waitFor({ timeout: 30_000 });
  await ctx.page.keyboard.press('End');
  await ctx.page
    .locator('.statusbar-item', { hasText: 'Column 2/3: b' })
    .first()
    .waitFor({ timeout: 30_000 });
  ctx.log('problem link opened line 4; the status bar follows the cursor to column b');
  await ctx.closeAllEditors();

  const wide = await inspect(ctx, 'housing.csv');
  const types = await wide.locator('#columns tbody .type').allTextContents();
  ctx.log(`housing.csv column types: ${types.join(', ')}`);
  assert.ok(
    types.includes('category') || types.includes('boolean'),
    `no category column among ${types.join(', ')}`,
  );
  await ctx.screenshot('inspector-housing');

  // The grid scrolls to the end of the file with only the visible rows in the DOM.
  await wide.locator('.grid-viewport').evaluate((viewport) => (viewport.scrollTop = viewport.scrollHeight));
  await wide.locator('#grid .grid-position', { hasText: /–2,000 of 2,000$/ }).waitFor({ timeout: 30_000 });
  await wide
    .locator('#grid .grid-layer .grid-row:not([hidden]) .grid-rownum', { hasText: /^2000$/ })
    .waitFor({ timeout: 30_000 });
  const rowsInDom = await wide.locator('#grid .grid-layer .grid-row').count();
  ctx.log(`rows in the DOM after scrolling to row 2,000: ${rowsInDom}`);
  assert.ok(rowsInDom < 60, `${rowsInDom} rows in the DOM: the grid is not virtualised`);
  await ctx.closeAllEditors();

  // A large file: progress shows, the grid has rows before profiling ends, and Cancel stops it.
  const large = path.join(ctx.workspace, 'large-inspect.csv');
  if (!fs.existsSync(large)) writeLargeCsv(large, 250);
  try {
    const frame = await inspect(ctx, 'large-inspect.csv', { waitForProfile: false });
    await frame.locator('#progress-text', { hasText: 'Profiling…' }).waitFor({ timeout: 60_000 });
    await frame
      .locator('#grid .grid-layer .grid-row[data-loaded="true"]')
      .first()
      .waitFor({ timeout: 30_000 });
    const stateWithRows = await frame.locator('body').getAttribute('data-profile');
    ctx.log(`large file: preview rows shown while the profile is ${stateWithRows}`);
    await ctx.screenshot('inspector-progress');
    await frame.locator('#cancel').click();
    await frame
      .locator('body[data-profile="cancelled"], body[data-profile="done"]')
      .waitFor({ timeout: 60_000 });
    const ended = await frame.locator('body').getAttribute('data-profile');
    ctx.log(
      `large file: ${ended === 'cancelled' ? 'Cancel stopped profiling' : 'profiling finished before Cancel landed'}: ${await frame.locator('#progress-text').textContent()}`,
    );
    assert.equal(stateWithRows, 'running', 'the preview had rows only after profiling ended');
    if (ended === 'cancelled') await frame.locator('#restart').waitFor();
  } finally {
    await ctx.closeAllEditors();
    fs.rmSync(large, { force: true });
  }
}
