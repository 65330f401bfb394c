// Compare Batch and Online and Compare Reports, inside a real VS Code (code-server's Node extension
// host and VS Code for the Web's worker host): what the commands return, what they write, and that
// the comparison view ignores what a hostile view could send.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CsvTrainerApi } from '../../src/extension';
import type { RunReport } from '../../src/core/report';
import { validateComparison, type ComparisonReport } from '../../src/core/comparison';
import { REPORTS, listReports, readJson, waitFor, workspaceFolder } from './workspace';

interface CompareResult {
  comparison: ComparisonReport;
  batch: RunReport;
  online: RunReport;
}

const folder = workspaceFolder;
const reportsFolder = () => vscode.Uri.joinPath(folder(), REPORTS);

function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}

const textbook = () => vscode.Uri.joinPath(folder(), 'textbook.csv');
const options = {
  target: 'y',
  features: ['x'],
  normalize: 'none',
  learningRate: 0.01,
  batchSize: 10,
  epochs: 200,
  onlinePasses: 200,
  interactive: false,
  backend: 'cpu',
} as const;

suite('Compare', function () {
  this.timeout(240_000);
  let compared: CompareResult | undefined;

  /** One comparison for the suite: each takes two training runs. */
  async function compareOnce(): Promise<CompareResult> {
    compared ??= (await vscode.commands.executeCommand(
      'csvTrainer.compare',
      textbook(),
      options,
    )) as CompareResult;
    return compared;
  }

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Compare Batch and Online writes both run reports and a comparison that links them, and opens the view', async () => {
    const before = await listReports();
    const { comparison, batch, online } = await compareOnce();
    assert.strictEqual(batch.mode, 'batch');
    assert.strictEqual(online.mode, 'online');
    assert.strictEqual(batch.config.validationSplit, 0, 'the validation split defaults to 0, as in the CLI');
    assert.strictEqual(batch.config.seed, online.config.seed);
    assert.strictEqual(online.config.epochs, 200, 'onlinePasses drives the online run');
    assert.strictEqual(batch.dataset.sha256, online.dataset.sha256);
    assert.deepStrictEqual(validateComparison(comparison), []);
    assert.deepStrictEqual(
      comparison.runs.map((r) => r.mode),
      ['batch', 'online'],
    );
    assert.ok(comparison.optimum && comparison.optimum.mse > 0, 'a linear model has a closed-form optimum');

    const added = (await listReports()).filter((name) => !before.includes(name));
    assert.strictEqual(added.length, 3, `two run reports and one comparison, got ${added.join(', ')}`);
    const comparisonName = added.find((name) => name.endsWith('-compare.json'));
    assert.ok(comparisonName, `a *-compare.json among ${added.join(', ')}`);
    assert.deepStrictEqual(
      await readJson(vscode.Uri.joinPath(reportsFolder(), comparisonName)),
      JSON.parse(JSON.stringify(comparison)),
    );
    for (const [entry, report] of [
      [comparison.runs[0]!, batch],
      [comparison.runs[1]!, online],
    ] as const) {
      // linked by a path relative to the comparison report's folder, to the file just written
      const linked = await readJson(vscode.Uri.joinPath(reportsFolder(), entry.report));
      assert.deepStrictEqual(
        linked,
        JSON.parse(JSON.stringify(report)),
        `${entry.report} is the ${entry.mode} run`,
      );
      assert.ok(added.includes(entry.report), `${entry.report} was written by this comparison`);
      // memory: what the webview measured, never the CLI's RSS, and said what it is
      assert.strictEqual(entry.peakRssBytes, undefined);
      assert.ok(entry.peakTensorBytes !== undefined && entry.peakTensorBytes >= 0);
      assert.match(entry.memoryNote ?? '', /tfjs tensor/);
    }
    assert.ok(
      tabLabels().includes('Compare: textbook.csv'),
      `no comparison tab among ${tabLabels().join(', ')}`,
    );
  });

  test('Compare Reports opens two saved reports in the comparison view; a list argument works too', async () => {
    const { comparison } = await compareOnce();
    const uris = comparison.runs.map((r) => vscode.Uri.joinPath(reportsFolder(), r.report));
    // as the Explorer calls it: the clicked file, then the whole selection
    const shown = (await vscode.commands.executeCommand(
      'csvTrainer.compareReports',
      uris[0],
      uris,
    )) as RunReport[];
    assert.deepStrictEqual(
      shown.map((r) => r.mode),
      ['batch', 'online'],
    );
    assert.ok(tabLabels().includes('Compare 2 reports'), `no comparison tab among ${tabLabels().join(', ')}`);
    const again = (await vscode.commands.executeCommand(
      'csvTrainer.compareReports',
      [...uris].reverse(),
    )) as RunReport[];
    assert.deepStrictEqual(
      again.map((r) => r.mode),
      ['online', 'batch'],
    );
  });

  test('Compare Reports on a saved comparison shows it again with the run reports it links', async () => {
    const { comparison, batch, online } = await compareOnce();
    const name = (await listReports()).find((n) => n.endsWith('-compare.json'));
    assert.ok(name);
    const shown = (await vscode.commands.executeCommand(
      'csvTrainer.compareReports',
      vscode.Uri.joinPath(reportsFolder(), name),
    )) as RunReport[];
    assert.deepStrictEqual(shown, JSON.parse(JSON.stringify([batch, online])));
    assert.strictEqual(comparison.runs.length, 2);
    assert.ok(
      tabLabels().includes('Compare: textbook.csv'),
      `no comparison tab among ${tabLabels().join(', ')}`,
    );
  });

  test('Compare Reports refuses a file that is no run report, naming it', async () => {
    const { comparison } = await compareOnce();
    const good = vscode.Uri.joinPath(reportsFolder(), comparison.runs[0]!.report);
    const bogus = vscode.Uri.joinPath(folder(), 'bogus-run.json');
    await vscode.workspace.fs.writeFile(
      bogus,
      new TextEncoder().encode('{"schemaVersion": 1, "mode": "batch"}'),
    );
    try {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('csvTrainer.compareReports', [good, bogus])),
        (error: Error) => /bogus-run\.json: not a CSV Trainer run report/.test(error.message),
      );
      // a comparison report is not a run report either
      const comparisonFile = vscode.Uri.joinPath(
        reportsFolder(),
        (await listReports()).find((name) => name.endsWith('-compare.json'))!,
      );
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('csvTrainer.compareReports', [good, comparisonFile])),
        (error: Error) => /-compare\.json: not a CSV Trainer run report/.test(error.message),
      );
    } finally {
      await vscode.workspace.fs.delete(bogus);
    }
  });

  test('forged messages to the comparison view are ignored; a valid one is answered', async () => {
    const { comparison } = await compareOnce();
    const uris = comparison.runs.map((r) => vscode.Uri.joinPath(reportsFolder(), r.report));
    await vscode.commands.executeCommand('csvTrainer.compareReports', uris);
    const extension = vscode.extensions.getExtension<CsvTrainerApi>('csv-trainer.csv-trainer');
    assert.ok(extension);
    const view = await waitFor(() => extension.exports.activeComparison());
    const ignoredBefore = view.ignoredMessages;
    const textTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputText);
    const forged: unknown[] = [
      null,
      'openReport',
      { type: '__proto__' },
      { type: 'openReport', path: '/etc/passwd' },
      { type: 'openReport', run: '0' },
      { type: 'openReport', run: -1 },
      { type: 'openReport', run: 11 }, // well-formed, but the host has no run 11
      { type: 'show', title: 'x', subtitle: 'y', runs: [] }, // the host's message, not the view's
    ];
    for (const message of forged) view.receive(message);
    assert.strictEqual(view.ignoredMessages - ignoredBefore, forged.length);
    assert.strictEqual(textTabs().length, 0, 'no forged message opened a file');

    view.receive({ type: 'openReport', run: 1 });
    const name = comparison.runs[1]!.report.split('/').pop()!;
    await waitFor(() => textTabs().some((t) => t.label === name), 15_000);
  });
});
