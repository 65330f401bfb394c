// Inside a real VS Code (code-server's Node host and the web worker host): Inspect CSV opens the
// CSV Inspector and resolves with the file's profile; Open With… creates the inspector's tab.
// No Node APIs here: this suite runs in the web extension host too.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CsvProfile } from '../../src/core/csv/types';

const INSPECTOR = 'csvTrainer.inspector';

function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'no workspace folder is open');
  return vscode.Uri.joinPath(folder, name);
}

function inspectorTabs(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) =>
        tab.input instanceof vscode.TabInputCustom &&
        tab.input.viewType.endsWith(INSPECTOR) &&
        tab.input.uri.toString() === uri.toString(),
    );
}

/** Resolves when `probe` holds, re-checked on every tab change (no fixed sleeps). */
function whenTabs(probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  if (probe()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`no inspector tab within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!probe()) return;
      clearTimeout(timer);
      listener.dispose();
      resolve();
    });
  });
}

suite('CSV Inspector', function () {
  this.timeout(120_000);

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Inspect CSV opens the inspector and resolves with the right profile of textbook.csv', async () => {
    const uri = fixture('textbook.csv');
    const profile = (await vscode.commands.executeCommand('csvTrainer.inspect', uri)) as
      CsvProfile | undefined;
    assert.ok(profile, 'the command resolved with nothing');
    assert.strictEqual(profile.rows, 100);
    assert.deepStrictEqual(
      profile.columns.map((c) => [c.name, c.type, c.missing]),
      [
        ['x', 'number', 0],
        ['y', 'number', 0],
      ],
    );
    const [x, y] = profile.columns;
    assert.ok(x.mean !== null && x.mean >= 0.8 && x.mean <= 1.2, `mean of x: ${x.mean}`);
    assert.ok(x.min !== null && x.max !== null && x.min >= 0 && x.max <= 2, `x in [${x.min}, ${x.max}]`);
    // y = 4 + 3x + noise: its mean follows x's.
    assert.ok(y.mean !== null && Math.abs(y.mean - (4 + 3 * x.mean)) < 0.5, `mean of y: ${y.mean}`);
    assert.ok(y.std !== null && y.std > 1 && y.std < 3, `std of y: ${y.std}`);
    assert.strictEqual(
      x.histogram?.counts.reduce((a, b) => a + b, 0),
      100,
    );
    assert.deepStrictEqual(
      {
        delimiter: profile.dialect.delimiter,
        header: profile.dialect.header,
        encoding: profile.dialect.encoding,
      },
      { delimiter: ',', header: true, encoding: 'utf-8' },
    );
    assert.deepStrictEqual(profile.problems, []);
    assert.strictEqual(inspectorTabs(uri).length, 1, 'the command did not leave an inspector tab open');
  });

  test('Open With… CSV Inspector creates a tab', async () => {
    const uri = fixture('textbook.csv');
    await vscode.commands.executeCommand('vscode.openWith', uri, INSPECTOR);
    await whenTabs(() => inspectorTabs(uri).length === 1);
    const tab = inspectorTabs(uri)[0];
    assert.strictEqual(tab.label, 'textbook.csv');
  });

  test('a malformed row is listed as a problem with its line, and the rest is profiled', async () => {
    const profile = (await vscode.commands.executeCommand(
      'csvTrainer.inspect',
      fixture('malformed.csv'),
    )) as CsvProfile;
    assert.strictEqual(profile.rows, 3);
    assert.strictEqual(profile.skippedRows, 1);
    assert.deepStrictEqual(
      profile.problems.map((p) => p.line),
      [4],
    );
    assert.match(profile.problems[0].message, /expected 3 fields/);
  });
});
