// Open Run Report: a saved report drawn again in the training panel — curves, reference line,
// metrics, model — read-only. The file is validated against the report schema first.
import * as vscode from 'vscode';
import { validateReport, type RunReport } from '../core/report';
import { DEFAULT_CONFIG, type TrainConfig, type TrainResult } from '../core/training/types';
import type { RunSetup } from '../core/protocol';
import type { ExtensionServices } from '../extension';
import { readSettings } from '../host/settings';
import { TrainingPanel } from '../host/trainingPanel';
import { describeError, UserInputError } from '../host/errors';

export async function pickReport(
  services: ExtensionServices,
  title = 'Open Run Report',
): Promise<vscode.Uri | undefined> {
  const folder = readSettings(undefined, 'batch').reportsFolder;
  // Run reports only: comparison reports (`*-compare.json`) share the folder.
  const files = (
    await vscode.workspace.findFiles(`${folder.replace(/\/+$/, '')}/*.json`, undefined, 1000)
  ).filter((uri) => !/-compare(-\d+)?\.json$/.test(uri.path));
  if (files.length === 0) {
    void vscode.window.showInformationMessage(`CSV Trainer: no run reports in ${folder} yet.`);
    return undefined;
  }
  services.log.info(`${files.length} reports in ${folder}`);
  const picked = await vscode.window.showQuickPick(
    files
      .map((uri) => ({
        label: uri.path.split('/').pop()!,
        description: vscode.workspace.asRelativePath(uri),
        uri,
      }))
      .sort((a, b) => b.label.localeCompare(a.label)),
    { title, placeHolder: 'Pick a run report (newest first)' },
  );
  return picked?.uri;
}

/** The panel's view of a report: the configuration it ran with and its result. */
function asSavedRun(report: RunReport): { setup: RunSetup; result: TrainResult } {
  const { loss: _loss, ...config } = report.config;
  const classification = report.preprocessing.targetClasses !== undefined;
  const setup: RunSetup = {
    runId: `report-${report.createdAt}`,
    config: { ...DEFAULT_CONFIG, ...(config as Partial<TrainConfig>), mode: report.mode },
    backend: report.backend.name,
    dataset: {
      path: report.dataset.path,
      target: report.dataset.target,
      features: report.dataset.features,
      targetKind: classification ? 'category' : 'numeric',
      featureKinds: report.dataset.features.map(() => 'numeric'),
      rows: report.dataset.rows,
    },
    autoStart: false,
    readOnly: true,
  };
  const result: TrainResult = {
    status: report.status,
    ...(report.message ? { message: report.message } : {}),
    model: report.model,
    preprocessing: report.preprocessing,
    metrics: report.metrics,
    history: report.history,
    rowsUsed: report.dataset.rowsUsed,
    rowsSkipped: report.dataset.rowsSkipped,
    samplesSeen: report.timing.samplesSeen,
    trainingMs: report.timing.trainingMs,
    ...(report.optimum ? { optimum: report.optimum } : {}),
  };
  return { setup, result };
}

/** A report file, validated against the report schema; anything else is a UserInputError naming it. */
/** A workspace file parsed as JSON, or one message saying which file is not. */
export async function readJsonFile(uri: vscode.Uri): Promise<unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
  } catch (error) {
    throw new UserInputError(
      `${vscode.workspace.asRelativePath(uri)}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** A run report checked against its schema, or one message saying which file is not one. */
export async function readRunReport(uri: vscode.Uri): Promise<RunReport> {
  const parsed = await readJsonFile(uri);
  const problems = validateReport(parsed);
  if (problems.length)
    throw new UserInputError(
      `${vscode.workspace.asRelativePath(uri)}: not a CSV Trainer run report (${problems.slice(0, 2).join('; ')})`,
    );
  return parsed as RunReport;
}

export async function runOpenReportCommand(
  services: ExtensionServices,
  uriArg: unknown,
): Promise<RunReport | undefined> {
  try {
    const uri = uriArg instanceof vscode.Uri ? uriArg : await pickReport(services);
    if (!uri) return undefined;
    const report = await readRunReport(uri);
    const { setup, result } = asSavedRun(report);
    const panel = TrainingPanel.create(services, `Run report: ${uri.path.split('/').pop()}`);
    await panel.showRun({
      type: 'showRun',
      setup,
      result,
      backend: report.backend,
      reportPath: vscode.workspace.asRelativePath(uri),
      createdAt: report.createdAt,
    });
    return report;
  } catch (error) {
    const message = describeError(error);
    services.log.error(message);
    void vscode.window.showErrorMessage(`CSV Trainer: ${message}`);
    throw error instanceof UserInputError ? error : new Error(message);
  }
}
