// Predict with Run: a saved run's model applied to a CSV (the run's own dataset by default), the
// predictions CSV written beside it — streamed on Node, read whole on the web host — never
// overwriting a file. Refused in an untrusted workspace, where nothing may be written.
import * as vscode from 'vscode';
import { readRowChunks } from '../core/csv';
import type { RunReport } from '../core/report';
import {
  predictionLines,
  predictionsFileName,
  Predictor,
  ReportModelError,
  type PredictionSummary,
} from '../core/training/predict';
import type { ExtensionServices } from '../extension';
import { describeError, UserInputError } from '../host/errors';
import { pickReport, readRunReport } from './openReport';

export interface PredictCommandOptions {
  /** Default true; tests pass false to keep notifications quiet. */
  interactive?: boolean;
}

export interface PredictionOutcome {
  uri: vscode.Uri;
  /** Input rows, one prediction line each. */
  rows: number;
  /** Rows left without a prediction (a missing feature under the run's `drop` policy). */
  missing: number;
}

const PREDICT_CHUNK_ROWS = 16384;

/** The workspace folder a report belongs to: its dataset path is relative to it. */
export function datasetUri(reportUri: vscode.Uri, report: RunReport): vscode.Uri | undefined {
  const root =
    vscode.workspace.getWorkspaceFolder(reportUri)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  return root ? vscode.Uri.joinPath(root, ...report.dataset.path.split('/')) : undefined;
}

async function pickCsv(dataset: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{csv,tsv,CSV,TSV}', '**/node_modules/**', 500);
  const items = files
    .filter((uri) => !uri.path.endsWith('.predictions.csv'))
    .map((uri) => ({
      label: vscode.workspace.asRelativePath(uri),
      description: uri.toString() === dataset?.toString() ? "the run's dataset" : undefined,
      uri,
    }))
    .sort(
      (a, b) =>
        Number(b.description !== undefined) - Number(a.description !== undefined) ||
        a.label.localeCompare(b.label),
    );
  if (items.length === 0) {
    void vscode.window.showInformationMessage('CSV Trainer: no CSV files in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Predict with Run',
    placeHolder: 'Pick the CSV to predict (it needs the run’s feature columns)',
  });
  return picked?.uri;
}

export async function runPredictCommand(
  services: ExtensionServices,
  reportArg: unknown,
  csvArg: unknown,
  optionsArg: unknown,
): Promise<PredictionOutcome | undefined> {
  const options: PredictCommandOptions =
    typeof optionsArg === 'object' && optionsArg !== null && !Array.isArray(optionsArg) ? optionsArg : {};
  const interactive = options.interactive ?? true;
  try {
    if (!vscode.workspace.isTrusted)
      throw new UserInputError(
        'Predict with Run writes a predictions file, which an untrusted workspace does not allow; trust the workspace first',
      );
    const reportUri =
      reportArg instanceof vscode.Uri ? reportArg : await pickReport(services, 'Predict with Run');
    if (!reportUri) return undefined;
    const report = await readRunReport(reportUri);
    let predictor: Predictor;
    try {
      predictor = Predictor.fromReport(report);
    } catch (error) {
      if (error instanceof ReportModelError)
        throw new UserInputError(`${vscode.workspace.asRelativePath(reportUri)}: ${error.message}`);
      throw error;
    }
    // From the Explorer menu the second argument is the selection (an array), not a CSV.
    const csvUri =
      csvArg instanceof vscode.Uri
        ? csvArg
        : typeof csvArg === 'string' && csvArg.length > 0
          ? vscode.Uri.parse(csvArg)
          : await pickCsv(datasetUri(reportUri, report));
    if (!csvUri) return undefined;
    const shown = vscode.workspace.asRelativePath(csvUri);
    const summary: PredictionSummary = { rows: 0, missing: 0 };
    let uri: vscode.Uri;
    try {
      const chunks = readRowChunks(services.platform.readChunks(csvUri), predictor.requests, {
        chunkRows: PREDICT_CHUNK_ROWS,
        rejectNonNumbers: true,
      });
      const name = predictionsFileName(csvUri.path.split('/').pop() ?? 'data.csv');
      uri = await services.platform.writeNewFile(
        vscode.Uri.joinPath(csvUri, '..'),
        name,
        predictionLines(predictor, chunks, summary),
      );
    } catch (error) {
      throw new UserInputError(describeError(error, shown));
    }
    const written = vscode.workspace.asRelativePath(uri);
    services.log.info(
      `predictions for ${shown}: ${summary.rows} rows (${summary.missing} empty) → ${written}`,
    );
    if (interactive)
      void vscode.window
        .showInformationMessage(
          `CSV Trainer: ${summary.rows - summary.missing} of ${summary.rows} rows predicted → ${written}`,
          'Open',
        )
        .then((choice) => (choice === 'Open' ? vscode.window.showTextDocument(uri) : undefined));
    return { uri, rows: summary.rows, missing: summary.missing };
  } catch (error) {
    const message = describeError(error);
    services.log.error(message);
    if (interactive) void vscode.window.showErrorMessage(`CSV Trainer: ${message}`);
    throw error instanceof UserInputError ? error : new Error(message);
  }
}
