// Compare Batch and Online: both modes on the same file, split and seed through the train commands'
// own flow, both run reports written, then a comparison report that links them and the comparison
// view. Compare Reports: two or more saved run reports overlaid in the same view, with their
// configurations side by side; given one saved comparison report, it shows that comparison again.
import * as vscode from 'vscode';
import {
  buildComparison,
  configRows,
  isPlainRelativePath,
  workspacePathOf,
  runLabels,
  validateComparison,
  type ComparisonReport,
  type RunMemory,
} from '../core/comparison';
import { comparedRun, MAX_COMPARED_RUNS, type CompareShowMessage } from '../core/compareProtocol';
import type { RunReport } from '../core/report';
import type { ExtensionServices } from '../extension';
import { ComparePanel } from '../host/comparePanel';
import { describeError, UserInputError } from '../host/errors';
import { folderOf, relativeUriPath, saveComparisonReport } from '../host/reportStore';
import { readSettings } from '../host/settings';
import { TrainingPanel, type RunOutcome } from '../host/trainingPanel';
import { readJsonFile, readRunReport } from './openReport';
import { resolveCsvUri, runTraining, type TrainCommandOptions } from './train';

/** The train options, plus how many times the online run reads the file (once by default). */
export interface CompareCommandOptions extends TrainCommandOptions {
  onlinePasses?: number;
}

/**
 * What Compare resolves with. In an untrusted workspace nothing is written: the comparison is still
 * returned, its runs' `report` paths empty.
 */
export interface CompareResult {
  comparison: ComparisonReport;
  batch: RunReport;
  online: RunReport;
}

const TITLE = 'Compare Batch and Online';
const MAX_PASSES = 100_000;

export async function runCompareCommand(
  services: ExtensionServices,
  uriArg: unknown,
  options: CompareCommandOptions | undefined,
): Promise<CompareResult | undefined> {
  const interactive = options?.interactive ?? true;
  try {
    if (options !== undefined && (typeof options !== 'object' || options === null))
      throw new UserInputError('the options argument must be an object');
    const { onlinePasses = 1, ...trainOptions } = options ?? {};
    if (!Number.isInteger(onlinePasses) || onlinePasses < 1 || onlinePasses > MAX_PASSES)
      throw new UserInputError(`options.onlinePasses must be an integer from 1 to ${MAX_PASSES}`);
    const csvUri = await resolveCsvUri(uriArg, TITLE);
    if (!csvUri) return undefined;

    let cancelled = false;
    const runBoth = () => trainBoth(services, csvUri, trainOptions, onlinePasses, () => cancelled);
    const runs = interactive
      ? await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `CSV Trainer: comparing batch and online on ${vscode.workspace.asRelativePath(csvUri)}`,
            cancellable: true,
          },
          (_progress, token) => {
            token.onCancellationRequested(() => {
              cancelled = true;
              TrainingPanel.active?.stop();
            });
            return runBoth();
          },
        )
      : await runBoth();
    if (!runs) return undefined;
    const [batch, online] = runs;

    // Memory: what the training webview can see of itself; the extension host's is not included.
    const memoryOf = (outcome: RunOutcome): RunMemory => ({
      peakTensorBytes: outcome.memory.peakTensorBytes,
      ...(outcome.memory.peakHeapBytes !== undefined ? { peakHeapBytes: outcome.memory.peakHeapBytes } : {}),
      memoryNote:
        outcome.memory.peakHeapBytes !== undefined
          ? "highest seen while training: the training webview's JS heap (performance.memory, coarse) and tfjs tensor bytes; the extension host's memory is not included"
          : 'highest tfjs tensor bytes seen while training; this webview does not expose its JS heap (no performance.memory)',
    });
    const settings = readSettings(csvUri, 'batch');
    const written = batch.reportUri && online.reportUri;
    const comparisonFolder = batch.reportUri ? folderOf(batch.reportUri) : undefined;
    const linked = [batch, online].map((outcome) => ({
      report: outcome.report,
      reportPath:
        comparisonFolder && outcome.reportUri ? relativeUriPath(comparisonFolder, outcome.reportUri) : '',
      memory: memoryOf(outcome),
    }));
    const comparison = buildComparison(linked);
    const comparisonUri = written
      ? await saveComparisonReport({
          platform: services.platform,
          csvUri,
          reportsFolder: settings.reportsFolder,
          comparison,
        })
      : undefined;
    services.log.info(
      comparisonUri
        ? `comparison report ${vscode.workspace.asRelativePath(comparisonUri)}`
        : 'comparison not written (untrusted workspace)',
    );

    await showComparison(services, comparison, [batch, online], comparisonUri);
    return { comparison, batch: batch.report, online: online.report };
  } catch (error) {
    const message = describeError(error);
    services.log.error(message);
    if (interactive) void vscode.window.showErrorMessage(`CSV Trainer: ${message}`);
    throw error instanceof UserInputError ? error : new Error(message);
  }
}

/**
 * The comparison view for a comparison report and its runs (just trained, or read back from the
 * files it links). `reportUri` absent: that run's report was not written.
 */
async function showComparison(
  services: ExtensionServices,
  comparison: ComparisonReport,
  runs: { report: RunReport; reportUri?: vscode.Uri }[],
  comparisonUri: vscode.Uri | undefined,
  revived?: ComparePanel,
): Promise<void> {
  const reports = runs.map((r) => r.report);
  const first = reports[0]!;
  const batch = reports.find((r) => r.mode === 'batch');
  const online = reports.find((r) => r.mode === 'online');
  const modes =
    batch && online
      ? `batch: ${batch.config.epochs} epochs of ${batch.config.batchSize} · online: ${online.config.epochs} ${online.config.epochs === 1 ? 'pass' : 'passes'}`
      : reports.map((r) => r.mode).join(', ');
  const allLinear = reports.every((r) => r.config.model === 'linear');
  const labels =
    new Set(reports.map((r) => r.mode)).size === reports.length ? reports.map((r) => r.mode) : undefined;
  const message: CompareShowMessage = {
    type: 'show',
    title: `${batch && online ? 'Batch vs online' : 'Comparison'} — ${comparison.dataset.path}`,
    subtitle: `${first.dataset.target} ← ${first.dataset.features.join(', ')} · ${first.config.model} · learning rate ${first.config.learningRate} · seed ${first.config.seed} · ${modes}`,
    runs: comparison.runs.map((entry, i) =>
      comparedRun(
        reports[i]!,
        labels?.[i] ?? `${entry.mode} ${i + 1}`,
        runs[i]!.reportUri ? vscode.workspace.asRelativePath(runs[i]!.reportUri!) : undefined,
        {
          ...(entry.peakRssBytes !== undefined ? { peakRssBytes: entry.peakRssBytes } : {}),
          ...(entry.peakHeapBytes !== undefined ? { peakHeapBytes: entry.peakHeapBytes } : {}),
          ...(entry.peakTensorBytes !== undefined ? { peakTensorBytes: entry.peakTensorBytes } : {}),
          ...(entry.memoryNote ? { memoryNote: entry.memoryNote } : {}),
        },
      ),
    ),
    ...(allLinear && comparison.optimum ? { optimum: comparison.optimum } : {}),
    config: configRows(reports),
    ...(comparisonUri
      ? {
          comparisonPath: vscode.workspace.asRelativePath(comparisonUri),
          restore: [vscode.workspace.asRelativePath(comparisonUri)],
        }
      : { note: 'This workspace is not trusted: no report was written.' }),
  };
  const panel =
    revived ?? ComparePanel.create(services, `Compare: ${comparison.dataset.path.split('/').pop()}`);
  await panel.show(
    message,
    runs.map((r) => r.reportUri),
  );
}

/** A saved comparison report, shown again with the run reports it links. */
async function openComparison(
  services: ExtensionServices,
  uri: vscode.Uri,
  revived?: ComparePanel,
): Promise<RunReport[]> {
  const shown = vscode.workspace.asRelativePath(uri);
  const parsed = await readJsonFile(uri);
  const problems = validateComparison(parsed);
  if (problems.length)
    throw new UserInputError(
      `${shown}: not a CSV Trainer comparison report (${problems.slice(0, 2).join('; ')})`,
    );
  const comparison = parsed as ComparisonReport;
  const runs: { report: RunReport; reportUri: vscode.Uri }[] = [];
  for (const entry of comparison.runs) {
    if (!entry.report) throw new UserInputError(`${shown}: its ${entry.mode} run has no report`);
    // Beside the comparison report: a link that climbs out of its folder is not followed.
    if (!isPlainRelativePath(entry.report))
      throw new UserInputError(`${shown}: its ${entry.mode} run links "${entry.report}", outside its folder`);
    const reportUri = vscode.Uri.joinPath(folderOf(uri), ...entry.report.split('/'));
    runs.push({ report: await readRunReport(reportUri), reportUri });
  }
  await showComparison(services, comparison, runs, uri, revived);
  return runs.map((r) => r.report);
}

/**
 * A comparison view brought back by a window reload: the report files it was made from (kept in
 * the view's state, so untrusted: checked here) are read and checked again and shown anew. A view
 * that cannot be shown again closes, saying why.
 */
export async function restoreComparisonPanel(
  services: ExtensionServices,
  webviewPanel: vscode.WebviewPanel,
  state: unknown,
): Promise<void> {
  const panel = ComparePanel.revive(webviewPanel, services);
  const folders = vscode.workspace.workspaceFolders ?? [];
  const saved =
    typeof state === 'object' && state !== null ? (state as { restore?: unknown }).restore : undefined;
  const paths =
    Array.isArray(saved) &&
    saved.length > 0 &&
    saved.length <= MAX_COMPARED_RUNS &&
    saved.every((p): p is string => typeof p === 'string' && isPlainRelativePath(p) && p.endsWith('.json'))
      ? saved
      : undefined;
  try {
    if (folders.length === 0 || !paths) throw new UserInputError('its saved state names no report files');
    // Saved relative to the workspace folder that holds them, with its name where there are several.
    const uris = paths.map((p) => {
      const { folder, path } = workspacePathOf(
        p,
        folders.map((f) => f.name),
      )!;
      return vscode.Uri.joinPath(folders[folder]!.uri, ...path.split('/'));
    });
    if (uris.length === 1 && COMPARE_FILE.test(uris[0]!.path))
      await openComparison(services, uris[0]!, panel);
    else await compareReports(services, uris, panel);
  } catch (error) {
    const message = describeError(error);
    services.log.warn(`a comparison view was not shown again after the reload: ${message}`);
    void vscode.window.showWarningMessage(
      `CSV Trainer: a comparison view could not be shown again: ${message}`,
    );
    panel.dispose();
  }
}

/**
 * Batch first (it asks for the columns if the options do not name them), then online with exactly
 * the batch run's columns and configuration, so nothing is asked twice. The validation split
 * defaults to 0, as in the CLI: both runs then learn from the same rows.
 */
async function trainBoth(
  services: ExtensionServices,
  csvUri: vscode.Uri,
  options: TrainCommandOptions,
  onlinePasses: number,
  cancelled: () => boolean,
): Promise<[RunOutcome, RunOutcome] | undefined> {
  const quiet = { interactive: false };
  const batch = await runTraining('batch', services, csvUri, {
    ...options,
    validationSplit: options.validationSplit ?? 0,
    ...quiet,
  });
  // Cancelled while batch trained: its (stopped) report is kept, online is not started.
  if (!batch || cancelled()) return undefined;
  const { loss: _loss, ...config } = batch.report.config;
  const online = await runTraining('online', services, csvUri, {
    ...config,
    epochs: onlinePasses,
    shuffle: false, // online reads the stream in file order
    target: batch.report.dataset.target,
    features: batch.report.dataset.features,
    ...(options.backend ? { backend: options.backend } : {}),
    ...quiet,
  });
  if (!online) return undefined;
  return [batch, online];
}

// ---- Compare Reports ----

const COMPARE_FILE = /-compare\.json$/i;

async function pickReports(services: ExtensionServices, preselected: vscode.Uri[]): Promise<vscode.Uri[]> {
  const folder = readSettings(undefined, 'batch').reportsFolder.replace(/\/+$/, '');
  const files = (await vscode.workspace.findFiles(`${folder}/*.json`, undefined, 1000)).filter(
    (uri) => !COMPARE_FILE.test(uri.path),
  );
  if (files.length < 2) {
    void vscode.window.showInformationMessage(
      `CSV Trainer: Compare Reports needs two or more run reports in ${folder}; there ${files.length === 1 ? 'is one' : 'are none'}.`,
    );
    return [];
  }
  services.log.info(`${files.length} run reports in ${folder}`);
  const chosen = new Set(preselected.map((u) => u.toString()));
  const picked = await vscode.window.showQuickPick(
    files
      .map((uri) => ({
        label: uri.path.split('/').pop()!,
        description: vscode.workspace.asRelativePath(uri),
        picked: chosen.has(uri.toString()),
        uri,
      }))
      .sort((a, b) => b.label.localeCompare(a.label)),
    {
      title: 'Compare Reports',
      placeHolder: `Pick two or more run reports (at most ${MAX_COMPARED_RUNS}; newest first)`,
      canPickMany: true,
    },
  );
  return picked?.map((p) => p.uri) ?? [];
}

/** The reports to compare from the arguments: (uri, uris) from the Explorer, or a list of uris. */
function urisFromArguments(first: unknown, second: unknown): vscode.Uri[] {
  const asUri = (v: unknown) =>
    v instanceof vscode.Uri ? v : typeof v === 'string' ? vscode.Uri.parse(v) : undefined;
  const list = Array.isArray(second) && second.length > 0 ? second : Array.isArray(first) ? first : [first];
  return list.map(asUri).filter((u): u is vscode.Uri => u !== undefined);
}

export async function runCompareReportsCommand(
  services: ExtensionServices,
  first: unknown,
  second: unknown,
): Promise<RunReport[] | undefined> {
  try {
    let uris = urisFromArguments(first, second);
    // one saved comparison: its runs again, as they were compared
    if (uris.length === 1 && COMPARE_FILE.test(uris[0]!.path))
      return await openComparison(services, uris[0]!);
    if (uris.length < 2) uris = await pickReports(services, uris);
    if (uris.length === 0) return undefined;
    if (uris.length < 2) throw new UserInputError('Compare Reports needs two or more run reports');
    if (uris.length > MAX_COMPARED_RUNS)
      throw new UserInputError(
        `Compare Reports shows at most ${MAX_COMPARED_RUNS} reports; ${uris.length} were picked`,
      );
    return await compareReports(services, uris);
  } catch (error) {
    const message = describeError(error);
    services.log.error(message);
    void vscode.window.showErrorMessage(`CSV Trainer: ${message}`);
    throw error instanceof UserInputError ? error : new Error(message);
  }
}

/** Two or more run reports read, checked and overlaid in a comparison view (a new one, or `revived`). */
async function compareReports(
  services: ExtensionServices,
  uris: vscode.Uri[],
  revived?: ComparePanel,
): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const uri of uris) reports.push(await readRunReport(uri));

  const names = runLabels(uris.map((u) => u.path.split('/').pop()!));
  const sameData = new Set(reports.map((r) => r.dataset.sha256)).size === 1;
  const allLinear = reports.every((r) => r.config.model === 'linear');
  const optimum =
    sameData && allLinear
      ? (reports.find((r) => r.mode === 'online' && r.optimum) ?? reports.find((r) => r.optimum))?.optimum
      : undefined;
  const datasets = [...new Set(reports.map((r) => r.dataset.path))];
  const message: CompareShowMessage = {
    type: 'show',
    title: `${reports.length} run reports`,
    subtitle: sameData
      ? `${datasets[0]} · ${reports[0]!.dataset.target} ← ${reports[0]!.dataset.features.join(', ')}`
      : `different data: ${datasets.join(', ')}${datasets.length === 1 ? ' (the file changed between runs)' : ''}`,
    runs: reports.map((report, i) =>
      comparedRun(report, names[i]!, vscode.workspace.asRelativePath(uris[i]!), {
        memoryNote: 'run reports do not record memory; Compare Batch and Online measures it',
      }),
    ),
    ...(optimum ? { optimum } : {}),
    config: configRows(reports),
    restore: uris.map((uri) => vscode.workspace.asRelativePath(uri)),
  };
  const panel = revived ?? ComparePanel.create(services, `Compare ${reports.length} reports`);
  await panel.show(message, uris);
  return reports;
}
