// Re-run from Report and Predict with Run inside a real VS Code (both extension hosts): a re-run
// reproduces the saved weights, predict writes one prediction per input row, and a modified CSV
// makes the re-run refuse. Works on its own copy of the textbook data, removed at the end.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunReport } from '../../src/core/report';
import { REPORTS, listReports, readText as text, workspaceFolder } from './workspace';

const DATA = 'reports-test.csv';

suite('Run reports: re-run and predict', function () {
  this.timeout(180_000);
  const data = () => vscode.Uri.joinPath(workspaceFolder(), DATA);
  const created: vscode.Uri[] = [];
  let reportUri: vscode.Uri;
  let trained: RunReport;

  suiteSetup(async () => {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceFolder(), 'textbook.csv'));
    await vscode.workspace.fs.writeFile(data(), bytes);
    created.push(data());
    const before = await listReports();
    trained = (await vscode.commands.executeCommand('csvTrainer.trainBatch', data(), {
      target: 'y',
      features: ['x'],
      learningRate: 0.05,
      batchSize: 8,
      epochs: 20,
      seed: 7,
      shuffle: true,
      validationSplit: 0.2,
      backend: 'cpu',
      interactive: false,
    })) as RunReport;
    const added = (await listReports()).filter((name) => !before.includes(name));
    assert.strictEqual(added.length, 1, `expected one new report, got ${added.join(', ')}`);
    reportUri = vscode.Uri.joinPath(workspaceFolder(), REPORTS, added[0]);
    created.push(reportUri);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const uri of created) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  test('Re-run from Report reproduces the saved weights (same file, config, seed, backend)', async () => {
    const before = await listReports();
    const again = (await vscode.commands.executeCommand('csvTrainer.rerun', reportUri, {
      interactive: false,
    })) as RunReport;
    assert.ok(again, 'the command resolved with nothing');
    const added = (await listReports()).filter((name) => !before.includes(name));
    assert.strictEqual(added.length, 1, 'the re-run writes its own report');
    created.push(vscode.Uri.joinPath(workspaceFolder(), REPORTS, added[0]));
    assert.strictEqual(again.backend.name, trained.backend.name);
    assert.deepStrictEqual(again.model, trained.model);
    assert.deepStrictEqual(again.config, trained.config);
    assert.deepStrictEqual(again.metrics, trained.metrics);
    assert.strictEqual(again.dataset.sha256, trained.dataset.sha256);
  });

  test('Predict with Run writes one prediction per input row, beside the CSV, never overwriting', async () => {
    const outcome = (await vscode.commands.executeCommand('csvTrainer.predict', reportUri, data(), {
      interactive: false,
    })) as { uri: vscode.Uri; rows: number };
    created.push(outcome.uri);
    assert.strictEqual(outcome.rows, 100);
    assert.strictEqual(outcome.uri.path.split('/').pop(), 'reports-test.predictions.csv');
    const input = (await text(data())).trim().split('\n').slice(1);
    const output = (await text(outcome.uri)).trim().split('\n');
    assert.strictEqual(output[0], 'row,prediction');
    assert.strictEqual(output.length, input.length + 1);
    input.forEach((line, i) => {
      const [row, value] = output[i + 1].split(',');
      assert.strictEqual(Number(row), i + 1);
      const expected = trained.model.bias + trained.model.weights.x * Number(line.split(',')[0]);
      assert.ok(Math.abs(Number(value) - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `row ${i + 1}`);
    });
    const second = (await vscode.commands.executeCommand('csvTrainer.predict', reportUri, data(), {
      interactive: false,
    })) as { uri: vscode.Uri; rows: number };
    created.push(second.uri);
    assert.strictEqual(second.uri.path.split('/').pop(), 'reports-test.predictions-2.csv');
  });

  test('a modified CSV makes Re-run from Report refuse, with nothing written', async () => {
    const bytes = await vscode.workspace.fs.readFile(data());
    await vscode.workspace.fs.writeFile(
      data(),
      new Uint8Array([...bytes, ...new TextEncoder().encode('1.5,8.5\n')]),
    );
    const before = await listReports();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('csvTrainer.rerun', reportUri, { interactive: false })),
      /reports-test\.csv: changed since the run \(sha256 [0-9a-f]{12}…, the report has [0-9a-f]{12}…\); not re-running/,
    );
    assert.deepStrictEqual((await listReports()).sort(), before.sort());
  });
});
