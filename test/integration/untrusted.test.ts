// The extension in Restricted Mode (an untrusted workspace), inside code-server: training still runs
// and resolves with its report, but no file is written; Predict with Run refuses to write. Only the
// code-server runner's untrusted pass opens the folder untrusted; every other run skips this suite.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { validateReport, type RunReport } from '../../src/core/report';
import { REPORTS, listReports, workspaceFolder } from './workspace';

suite('Untrusted workspace', function () {
  this.timeout(180_000);

  suiteSetup(function () {
    if (vscode.workspace.isTrusted) this.skip();
  });

  const textbook = () => vscode.Uri.joinPath(workspaceFolder(), 'textbook.csv');
  const reportsFolder = () => vscode.Uri.joinPath(workspaceFolder(), REPORTS);
  const options = {
    target: 'y',
    features: ['x'],
    normalize: 'none',
    learningRate: 0.01,
    batchSize: 10,
    epochs: 50,
    interactive: false,
    backend: 'cpu',
  } as const;

  test('training resolves with a valid report and writes nothing', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const report = (await vscode.commands.executeCommand(
      'csvTrainer.trainBatch',
      textbook(),
      options,
    )) as RunReport;
    assert.deepStrictEqual(validateReport(report), []);
    assert.strictEqual(report.status, 'completed');
    assert.deepStrictEqual(await listReports(), []);
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.stat(reportsFolder())),
      'no reports folder either',
    );
  });

  test('Predict with Run refuses to write, and says why', async () => {
    // A report to predict with, put where reports go (the test may write; the extension may not).
    const report = (await vscode.commands.executeCommand(
      'csvTrainer.trainBatch',
      textbook(),
      options,
    )) as RunReport;
    const reportUri = vscode.Uri.joinPath(reportsFolder(), 'given-batch.json');
    await vscode.workspace.fs.writeFile(reportUri, new TextEncoder().encode(JSON.stringify(report)));
    try {
      await assert.rejects(
        Promise.resolve(
          vscode.commands.executeCommand('csvTrainer.predict', reportUri, textbook(), { interactive: false }),
        ),
        (error: Error) => /untrusted workspace/.test(error.message),
      );
      const names = (await vscode.workspace.fs.readDirectory(workspaceFolder())).map(([name]) => name);
      assert.ok(!names.some((name) => name.includes('predictions')), names.join(', '));
    } finally {
      await vscode.workspace.fs.delete(reportsFolder(), { recursive: true });
    }
  });
});
