// Runs inside a real VS Code (code-server's Node extension host, and VS Code for the Web's worker
// host): executes the extension's commands and asserts on what they return and what they write.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CsvTrainerApi } from '../../src/extension';
import type { RunReport } from '../../src/core/report';
import { REPORTS, listReports, waitFor, workspaceFolder } from './workspace';
import { DEFAULT_CONFIG } from '../../src/core/training/types';
import { restoredRequest } from '../../src/host/trainingPanel';

async function readReport(name: string): Promise<RunReport> {
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceFolder(), REPORTS, name));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Closed-form least squares for y = a + b·x, in float64, from the CSV itself. */
async function textbookLeastSquares(): Promise<{ intercept: number; slope: number; slopeNoBias: number }> {
  const text = new TextDecoder().decode(
    await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceFolder(), 'textbook.csv')),
  );
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
  const n = rows.length;
  const mx = rows.reduce((s, r) => s + r[0], 0) / n;
  const my = rows.reduce((s, r) => s + r[1], 0) / n;
  const sxy = rows.reduce((s, r) => s + (r[0] - mx) * (r[1] - my), 0);
  const sxx = rows.reduce((s, r) => s + (r[0] - mx) ** 2, 0);
  const slope = sxy / sxx;
  const slopeNoBias = rows.reduce((s, r) => s + r[0] * r[1], 0) / rows.reduce((s, r) => s + r[0] * r[0], 0);
  return { intercept: my - slope * mx, slope, slopeNoBias };
}

async function api(): Promise<CsvTrainerApi> {
  const extension = vscode.extensions.getExtension<CsvTrainerApi>('csv-trainer.csv-trainer');
  assert.ok(extension, 'extension csv-trainer.csv-trainer is not loaded');
  return extension.isActive ? extension.exports : await extension.activate();
}

const textbook = () => vscode.Uri.joinPath(workspaceFolder(), 'textbook.csv');
const commonOptions = {
  target: 'y',
  features: ['x'],
  normalize: 'none',
  learningRate: 0.01,
  interactive: false,
  backend: 'cpu',
} as const;

suite('CSV Trainer commands', function () {
  this.timeout(180_000);

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Train (batch) with options resolves with a report near the closed form, and writes it', async () => {
    const before = await listReports();
    const report = (await vscode.commands.executeCommand('csvTrainer.trainBatch', textbook(), {
      ...commonOptions,
      batchSize: 10,
      epochs: 1000,
      validationSplit: 0,
    })) as RunReport;
    assert.ok(report, 'the command resolved with nothing');
    assert.strictEqual(report.status, 'completed');
    assert.strictEqual(report.mode, 'batch');
    assert.strictEqual(report.dataset.rows, 100);
    const optimum = await textbookLeastSquares();
    assert.ok(
      Math.abs(report.model.weights.x - optimum.slope) < 0.01,
      `slope ${report.model.weights.x} vs closed form ${optimum.slope}`,
    );
    assert.ok(
      Math.abs(report.model.bias - optimum.intercept) < 0.01,
      `bias ${report.model.bias} vs closed form ${optimum.intercept}`,
    );
    const added = (await listReports()).filter((name) => !before.includes(name));
    assert.strictEqual(added.length, 1, `expected one new report, got ${added.join(', ')}`);
    const onDisk = await readReport(added[0]);
    assert.deepStrictEqual(onDisk, JSON.parse(JSON.stringify(report)));
    assert.strictEqual(onDisk.dataset.path, 'textbook.csv');
    assert.match(onDisk.dataset.sha256, /^[0-9a-f]{64}$/);
  });

  test('Train (online) with options resolves with a report within 0.1 of the closed form', async () => {
    const before = await listReports();
    const report = (await vscode.commands.executeCommand('csvTrainer.trainOnline', textbook(), {
      ...commonOptions,
      epochs: 1000,
      shuffle: false,
    })) as RunReport;
    assert.strictEqual(report.status, 'completed');
    assert.strictEqual(report.mode, 'online');
    const optimum = await textbookLeastSquares();
    assert.ok(
      Math.abs(report.model.weights.x - optimum.slope) < 0.1,
      `slope ${report.model.weights.x} vs ${optimum.slope}`,
    );
    assert.ok(
      Math.abs(report.model.bias - optimum.intercept) < 0.1,
      `bias ${report.model.bias} vs ${optimum.intercept}`,
    );
    assert.ok(report.metrics.progressive, 'online report lacks progressive validation');
    assert.strictEqual((await listReports()).length, before.length + 1);
  });

  test('on the WebGL backend, online updates run as an affine-map scan and still match one update per sample', async () => {
    const report = (await vscode.commands.executeCommand('csvTrainer.trainOnline', textbook(), {
      ...commonOptions,
      backend: 'webgl',
      epochs: 1000,
      shuffle: false,
    })) as RunReport;
    assert.strictEqual(
      report.backend.name,
      'webgl',
      `ran on ${report.backend.name}: ${report.backend.reason}`,
    );
    assert.match(report.backend.reason, /affine-map scan/);
    const optimum = await textbookLeastSquares();
    assert.ok(
      Math.abs(report.model.weights.x - optimum.slope) < 0.1,
      `slope ${report.model.weights.x} vs ${optimum.slope}`,
    );
    assert.ok(
      Math.abs(report.model.bias - optimum.intercept) < 0.1,
      `bias ${report.model.bias} vs ${optimum.intercept}`,
    );
  });

  test('on the WebGL backend, mini-batches run as tfjs ops and reach the closed form', async () => {
    const report = (await vscode.commands.executeCommand('csvTrainer.trainBatch', textbook(), {
      ...commonOptions,
      backend: 'webgl',
      normalize: 'standard',
      learningRate: 0.1,
      batchSize: 10,
      epochs: 60,
      validationSplit: 0,
    })) as RunReport;
    assert.strictEqual(
      report.backend.name,
      'webgl',
      `ran on ${report.backend.name}: ${report.backend.reason}`,
    );
    assert.match(report.backend.renderer ?? '', /\S/, 'the WebGL renderer is recorded');
    assert.match(report.backend.reason, /tfjs ops/);
    const optimum = await textbookLeastSquares();
    assert.ok(
      Math.abs(report.model.weights.x - optimum.slope) < 0.05,
      `slope ${report.model.weights.x} vs ${optimum.slope}`,
    );
  });

  test('Open Run Report draws a saved run again and resolves with it; a JSON that is no report is refused', async () => {
    const before = await listReports();
    await vscode.commands.executeCommand('csvTrainer.trainBatch', textbook(), {
      ...commonOptions,
      batchSize: 10,
      epochs: 50,
      validationSplit: 0,
    });
    const [name] = (await listReports()).filter((n) => !before.includes(n));
    assert.ok(name, 'the run wrote no report');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = vscode.Uri.joinPath(workspaceFolder(), REPORTS, name);
    const shown = (await vscode.commands.executeCommand('csvTrainer.openReport', uri)) as RunReport;
    assert.deepStrictEqual(shown, await readReport(name));
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    assert.ok(tabs.includes(`Run report: ${name}`), `no report tab among ${tabs.join(', ')}`);

    const bogus = vscode.Uri.joinPath(workspaceFolder(), 'not-a-report.json');
    await vscode.workspace.fs.writeFile(
      bogus,
      new TextEncoder().encode('{"schemaVersion": 1, "status": "completed"}'),
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('csvTrainer.openReport', bogus)),
      (error: Error) => /not-a-report\.json: not a CSV Trainer run report/.test(error.message),
    );
    await vscode.workspace.fs.delete(bogus);
  });

  test('an unknown target column is refused with a clear message and nothing is written', async () => {
    const before = await listReports();
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('csvTrainer.trainBatch', textbook(), {
          ...commonOptions,
          target: 'price',
        }),
      ),
      (error: Error) => /no column "price"/.test(error.message) && /columns are x, y/.test(error.message),
    );
    assert.deepStrictEqual(await listReports(), before);
  });

  test('a malformed CSV is refused naming the line, and nothing is written', async () => {
    const before = await listReports();
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand(
          'csvTrainer.trainBatch',
          vscode.Uri.joinPath(workspaceFolder(), 'malformed.csv'),
          {
            ...commonOptions,
            target: 'y',
            features: ['a', 'b'],
          },
        ),
      ),
      (error: Error) => /line 4/.test(error.message),
    );
    assert.deepStrictEqual(await listReports(), before);
  });

  test('malformed or forged messages from the webview change nothing', async () => {
    const extensionApi = await api();
    const run = vscode.commands.executeCommand('csvTrainer.trainBatch', textbook(), {
      ...commonOptions,
      batchSize: 10,
      epochs: 200,
      validationSplit: 0,
    });
    const panel = await waitFor(() => extensionApi.activePanel());
    const runId = await waitFor(() => panel.currentRunId);
    const forged = { status: 'completed', model: { type: 'linear', weights: { x: 1000 }, bias: -1000 } };
    for (const message of [
      null,
      'finished',
      { type: '__proto__' },
      {
        type: 'finished',
        runId: 'not-this-run',
        result: forged,
        backend: { name: 'cpu', reason: 'x' },
        peakBytes: 0,
      },
      {
        type: 'finished',
        runId,
        result: { ...forged, status: 'hacked' },
        backend: { name: 'cpu', reason: 'x' },
        peakBytes: 0,
      },
      { type: 'finished', runId, result: forged, backend: { name: 'quantum', reason: 'x' }, peakBytes: 0 },
      { type: 'progress', runId, points: 'many', samplesSeen: 1 },
      { type: 'requestChunk', runId, requestId: -1, restart: true },
      { type: 'start', config: { mode: 'batch', learningRate: 'fast' } },
    ]) {
      panel.receive(message);
    }
    const report = (await run) as RunReport;
    assert.strictEqual(report.status, 'completed');
    const optimum = await textbookLeastSquares();
    assert.ok(
      Math.abs(report.model.weights.x - optimum.slope) < 0.2,
      `forged weights leaked into the report: ${JSON.stringify(report.model)}`,
    );
  });

  test('a well-formed finished message with an invalid result is rejected by the report schema', async () => {
    const extensionApi = await api();
    const before = await listReports();
    const run = Promise.resolve(
      vscode.commands.executeCommand('csvTrainer.trainBatch', textbook(), {
        ...commonOptions,
        batchSize: 10,
        epochs: 100000,
        validationSplit: 0,
      }),
    );
    const panel = await waitFor(() => extensionApi.activePanel());
    const runId = await waitFor(() => panel.currentRunId);
    panel.receive({
      type: 'finished',
      runId,
      result: { status: 'completed', model: { type: 'linear', weights: { x: 'NaN' }, bias: null } },
      backend: { name: 'cpu', reason: 'forged' },
      peakBytes: 0,
    });
    await assert.rejects(run, (error: Error) => /report/.test(error.message));
    assert.deepStrictEqual(await listReports(), before);
  });

  test('a restored panel takes back only a valid saved request about a CSV of the workspace', () => {
    const dataset = {
      path: 'textbook.csv',
      target: 'y',
      features: ['x'],
      targetKind: 'numeric',
      featureKinds: ['numeric'],
    };
    const saved = {
      csvUri: textbook().toString(),
      config: { ...DEFAULT_CONFIG, mode: 'batch' },
      dataset,
      backend: 'cpu',
      reportsFolder: '.vscode',
      skipMalformedRows: true,
    };
    const restored = restoredRequest(saved);
    assert.ok(restored, 'a valid saved request is taken back');
    assert.strictEqual(restored.csvUri.toString(), textbook().toString());
    // Where reports go, and whether bad rows are skipped, come from the settings.
    assert.strictEqual(restored.reportsFolder, REPORTS);
    assert.strictEqual(restored.skipMalformedRows, false);
    const folder = workspaceFolder();
    const outside = folder.with({ path: `${folder.path}/../outside.csv` });
    for (const [label, tampered] of [
      ['a path through ..', { ...saved, csvUri: outside.toString() }],
      ['a file that is no CSV', { ...saved, csvUri: vscode.Uri.joinPath(folder, 'README.md').toString() }],
      ['a file outside the workspace', { ...saved, csvUri: 'file:///etc/passwd.csv' }],
      ['kinds that do not match the features', { ...saved, dataset: { ...dataset, featureKinds: [] } }],
      ['no features', { ...saved, dataset: { ...dataset, features: [], featureKinds: [] } }],
      ['a config that is not one', { ...saved, config: { mode: 'batch' } }],
    ] as const)
      assert.strictEqual(restoredRequest(tampered), undefined, label);
  });

  test('a column name longer than the training view accepts fails the run with that reason, not a hang', async () => {
    const long = `x${'y'.repeat(5000)}`;
    const file = vscode.Uri.joinPath(workspaceFolder(), 'long-name.csv');
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${2 * i + 1}`);
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(`${long},y\n${rows.join('\n')}\n`));
    try {
      const before = await listReports();
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('csvTrainer.trainBatch', file, {
            ...commonOptions,
            features: [long],
            epochs: 2,
          }),
        ),
        (error: Error) =>
          /cannot be sent to the training view: .*at most 4096 characters/.test(error.message),
      );
      assert.deepStrictEqual(await listReports(), before);
    } finally {
      await vscode.workspace.fs.delete(file);
    }
  });
});
