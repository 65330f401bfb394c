// Turns what the webview sent back into a run report: the host, not the webview, supplies the
// dataset identity (path, sha256), timing and tool version; the whole report is validated against
// the schema before anything is written, so a forged or broken result never lands on disk.
import * as vscode from 'vscode';
import { buildReport, validateReport, type RunReport } from '../core/report';
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

  const root =
    vscode.workspace.getWorkspaceFolder(csvUri)?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!root) return { report };
  const folder = vscode.Uri.joinPath(
    root,
    ...request.reportsFolder.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..'),
  );
  const uri = await platform.writeReport(
    folder,
    reportBaseName(createdAt, request.config.mode),
    report,
    root,
  );
  return { report, uri };
}
