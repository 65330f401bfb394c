// Turns what the webview sent back into a run report: the host, not the webview, supplies the
// dataset identity (path, sha256), timing and tool version; the whole report is validated against
// the schema before anything is written, so a forged or broken result never lands on disk.
// Comparison reports are written the same way, beside the run reports they link.
import * as vscode from 'vscode';
import { buildReport, validateReport, type RunReport } from '../core/report';
import { validateComparison, type ComparisonReport } from '../core/comparison';
import type { BackendInfo } from '../core/protocol';
import type { TrainResult } from '../core/training/types';
import type { HostPlatform } from './platform';
import type { RunRequest } from './trainingPanel';

export interface SavedReport {
  report: RunReport;
  /** Absent when nothing was written (untrusted workspace). */
  uri?: vscode.Uri;
}

export class InvalidResultError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the webview sent an invalid result (${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''})`,
    );
    this.name = 'InvalidResultError';
  }
}

/** The reports folder for a CSV: in its workspace folder (or the first), never above it. */
function reportsFolderOf(
  csvUri: vscode.Uri,
  reportsFolder: string,
): { root: vscode.Uri; folder: vscode.Uri } | undefined {
  const root =
    vscode.workspace.getWorkspaceFolder(csvUri)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) return undefined;
  const folder = vscode.Uri.joinPath(
    root,
    ...reportsFolder.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..'),
  );
  return { root, folder };
}

function reportBaseName(createdAt: Date, mode: string): string {
  return `${createdAt.toISOString().replace(/[:.]/g, '-').replace(/Z$/, '')}-${mode}`;
}

function extensionVersion(): string {
  return vscode.extensions.getExtension('csv-trainer.csv-trainer')?.packageJSON?.version ?? '0.0.0';
}

export async function saveRunReport(args: {
  platform: HostPlatform;
  csvUri: vscode.Uri;
  request: RunRequest;
  result: TrainResult;
  backend: BackendInfo;
  durationMs: number;
  write: boolean;
}): Promise<SavedReport> {
  const { platform, csvUri, request, result, backend } = args;
  const createdAt = new Date();
  let report: RunReport;
  try {
    report = buildReport({
      tool: { name: 'csv-trainer', version: extensionVersion() },
      mode: request.config.mode,
      config: request.config,
      result,
      dataset: {
        path: request.dataset.path,
        sha256: await platform.sha256(csvUri),
        rows: result.rowsUsed + result.rowsSkipped,
        target: request.dataset.target,
        features: request.dataset.features,
      },
      backend,
      durationMs: args.durationMs,
      createdAt,
    });
  } catch (error) {
    // buildReport walks the result: a malformed one can throw before validation sees it.
    throw new InvalidResultError([error instanceof Error ? error.message : String(error)]);
  }
  const problems = validateReport(report);
  if (problems.length) throw new InvalidResultError(problems);
  // The run's settings are the host's, not whatever the webview claims to have used.
  if (report.mode !== request.config.mode)
    throw new InvalidResultError([`mode ${report.mode} is not the requested ${request.config.mode}`]);
  if (!args.write) return { report };

  const place = reportsFolderOf(csvUri, request.reportsFolder);
  if (!place) return { report };
  const { root, folder } = place;
  const uri = await platform.writeReport(
    folder,
    reportBaseName(createdAt, request.config.mode),
    report,
    root,
  );
  return { report, uri };
}

/**
 * Writes a comparison report beside the run reports it links, atomically and never overwriting,
 * after checking it against its schema. Resolves with its URI (undefined without a workspace).
 */
export async function saveComparisonReport(args: {
  platform: HostPlatform;
  csvUri: vscode.Uri;
  reportsFolder: string;
  comparison: ComparisonReport;
}): Promise<vscode.Uri | undefined> {
  const problems = validateComparison(args.comparison);
  if (problems.length)
    throw new Error(`the comparison report is not valid (${problems.slice(0, 3).join('; ')})`);
  const place = reportsFolderOf(args.csvUri, args.reportsFolder);
  if (!place) return undefined;
  return args.platform.writeReport(
    place.folder,
    reportBaseName(new Date(args.comparison.createdAt), 'compare'),
    args.comparison,
    place.root,
  );
}

/** `to` relative to the folder `from` (both in one workspace), with forward slashes. */
export function relativeUriPath(from: vscode.Uri, to: vscode.Uri): string {
  const a = from.path.split('/').filter(Boolean);
  const b = to.path.split('/').filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

/** The folder a report was written to. */
export function folderOf(uri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(uri, '..');
}
