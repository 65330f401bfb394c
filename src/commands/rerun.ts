// Re-run from Report: the same mode, columns, configuration and seed on the same data. The dataset's
// sha256 is checked against the report first: a changed or missing file stops the re-run with one
// message instead of being used. The run goes through Train (batch|online) with a complete options
// object, so nothing is asked, and the command resolves with the new report.
import * as vscode from 'vscode';
import { rerunPlan } from '../core/rerun';
import type { RunReport } from '../core/report';
import type { ExtensionServices } from '../extension';
import { describeError, UserInputError } from '../host/errors';
import { pickReport, readRunReport } from './openReport';
import { datasetUri } from './predict';
import { runTrainCommand, type TrainCommandOptions } from './train';

export async function runRerunCommand(
  services: ExtensionServices,
  reportArg: unknown,
  optionsArg: unknown,
): Promise<RunReport | undefined> {
  // From the Explorer menu the second argument is the selection (an array), not options.
  const options: TrainCommandOptions =
    typeof optionsArg === 'object' && optionsArg !== null && !Array.isArray(optionsArg) ? optionsArg : {};
  const interactive = options.interactive ?? true;
  let csvUri: vscode.Uri;
  let plan: ReturnType<typeof rerunPlan>;
  let report: RunReport;
  try {
    const reportUri =
      reportArg instanceof vscode.Uri ? reportArg : await pickReport(services, 'Re-run from Report');
    if (!reportUri) return undefined;
    report = await readRunReport(reportUri);
    plan = rerunPlan(report);
    const dataset = datasetUri(reportUri, report);
    if (!dataset)
      throw new UserInputError(
        'Re-run from Report needs a workspace folder (dataset paths are relative to it)',
      );
    csvUri = dataset;
    const shown = report.dataset.path;
    try {
      await vscode.workspace.fs.stat(csvUri);
    } catch {
      throw new UserInputError(`${shown}: the run's dataset is missing; not re-running`);
    }
    const actual = await services.platform.sha256(csvUri);
    if (actual !== plan.sha256)
      throw new UserInputError(
        `${shown}: changed since the run (sha256 ${actual.slice(0, 12)}…, the report has ${plan.sha256.slice(0, 12)}…); not re-running`,
      );
  } catch (error) {
    const message = describeError(error);
    services.log.error(message);
    if (interactive) void vscode.window.showErrorMessage(`CSV Trainer: ${message}`);
    throw error instanceof UserInputError ? error : new Error(message);
  }
  const { mode, ...config } = plan.config;
  services.log.info(`re-running the ${mode} run of ${report.createdAt} on ${report.dataset.path}`);
  return runTrainCommand(mode, services, csvUri, {
    ...config,
    target: plan.target,
    features: plan.features,
    backend: report.backend.name,
    ...options,
  });
}
