// The training webview panel: owns one webview, feeds it data, follows its progress, and turns its
// result into a saved run report. The webview is untrusted: every message is validated first.
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { buildWebviewHtml, webviewOptions } from './webviewHtml';
import {
  assertNever,
  backendPreferenceCheck,
  datasetSummaryCheck,
  parseHostMessage,
  parseWebviewMessage,
  trainConfigCheck,
  type BackendInfo,
  type BackendPreference,
  type DatasetSummary,
  type HostToWebview,
  type ShowRunMessage,
  type WebviewToHost,
} from '../core/protocol';
import type { TrainConfig, TrainResult } from '../core/training/types';
import type { RunReport } from '../core/report';
import { columnRequests, loadBatchColumns, RowChunkFeed } from './dataSource';
import type { HostPlatform } from './platform';
import { saveRunReport, type SavedReport } from './reportStore';
import { describeError, notificationText } from './errors';
import { readSettings } from './settings';

export interface PanelServices {
  extensionUri: vscode.Uri;
  platform: HostPlatform;
  log: vscode.LogOutputChannel;
  runStatus: RunStatusBar;
}

export interface RunRequest {
  csvUri: vscode.Uri;
  dataset: DatasetSummary;
  config: TrainConfig;
  backend: BackendPreference;
  reportsFolder: string;
  skipMalformedRows: boolean;
  /** Show "Open Report" and a progress notification (interactive runs). */
  interactive: boolean;
}

export interface RunOutcome {
  report: RunReport;
  reportUri?: vscode.Uri;
  /** What the webview measured of its memory while the run trained (highest values seen). */
  memory: { peakTensorBytes: number; peakHeapBytes?: number };
}

/** Saved by the webview (setState) and handed back by the serializer after a reload. */
export interface PanelState {
  request?: unknown;
}

interface ActiveRun {
  id: string;
  request: RunRequest;
  startedAt: number;
  feed?: RowChunkFeed;
  abort: AbortController;
  backend?: BackendInfo;
  resolve(outcome: RunOutcome | undefined): void;
  reject(error: Error): void;
}

/** Status bar item shared by all panels: what runs, how far, click to reveal. */
export class RunStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('csvTrainer.run', vscode.StatusBarAlignment.Left, 10),
  );
  constructor() {
    super();
    this.item.name = 'CSV Trainer run';
  }
  show(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = 'csvTrainer.showPanel';
    this.item.show();
  }
  hide(): void {
    this.item.hide();
  }
}

export class TrainingPanel extends Disposable {
  static readonly viewType = 'csvTrainer.training';
  private static readonly open = new Set<TrainingPanel>();
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private run: ActiveRun | undefined;
  private lastRequest: RunRequest | undefined;
  private runCounter = 0;

  static get active(): TrainingPanel | undefined {
    return [...TrainingPanel.open].find((p) => p.panel.active) ?? [...TrainingPanel.open].pop();
  }

  static create(services: PanelServices, title: string): TrainingPanel {
    const panel = vscode.window.createWebviewPanel(
      TrainingPanel.viewType,
      title,
      vscode.ViewColumn.Active,
      webviewOptions(services.extensionUri),
    );
    return new TrainingPanel(panel, services);
  }

  static revive(
    panel: vscode.WebviewPanel,
    services: PanelServices,
    state: PanelState | undefined,
  ): TrainingPanel {
    const revived = new TrainingPanel(panel, services);
    // This state comes back from the webview: trust none of it without checking.
    const request = restoredRequest(state?.request);
    if (request) revived.lastRequest = request;
    else if (state?.request)
      services.log.warn('ignored the saved state of a restored training panel: it is not valid');
    return revived;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
  ) {
    super();
    TrainingPanel.open.add(this);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
    panel.webview.html = buildWebviewHtml(panel.webview, services.extensionUri, panel.title, 'main');
    this.register(panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    TrainingPanel.open.delete(this);
    // Closing the panel stops the run; the webview (and its tfjs memory) is gone with it.
    if (this.run) {
      const run = this.run;
      this.run = undefined;
      run.abort.abort();
      void run.feed?.close();
      this.services.log.info(`run ${run.id}: stopped, panel closed`);
      this.services.runStatus.hide();
      run.resolve(undefined);
    }
    super.dispose();
    this.panel.dispose();
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  stop(): void {
    void this.post({ type: 'control', action: 'stop' });
  }

  /** Shows a saved run, read-only (Open Run Report). */
  async showRun(message: ShowRunMessage): Promise<void> {
    await this.ready;
    await this.post(message);
  }

  /** Starts a run; resolves with its report once it is saved (undefined if the panel closed first). */
  async startRun(request: RunRequest): Promise<RunOutcome | undefined> {
    if (this.run) {
      // The run it replaces stops reading too: Start pressed (or sent) again and again must not
      // leave a load of the whole file running for each press.
      this.stop();
      this.run.abort.abort();
      this.run.resolve(undefined);
      void this.run.feed?.close();
    }
    this.lastRequest = request;
    const id = `${Date.now().toString(36)}-${++this.runCounter}`;
    const abort = new AbortController();
    const outcome = new Promise<RunOutcome | undefined>((resolve, reject) => {
      this.run = { id, request, startedAt: Date.now(), abort, resolve, reject };
    });
    const run = this.run!;
    // The run can end (even fail) before this method returns the promise to its caller.
    outcome.catch(() => undefined);
    const { log } = this.services;
    log.info(
      `run ${id}: ${request.config.mode} ${request.config.model} on ${request.dataset.path}, target ${request.dataset.target}, features ${request.dataset.features.join(', ')}`,
    );

    // Read the data while the webview loads.
    const requests = columnRequests(
      request.dataset.features,
      request.dataset.featureKinds,
      request.dataset.target,
      request.dataset.targetKind,
    );
    const loading =
      request.config.mode === 'batch'
        ? loadBatchColumns(this.services.platform, request.csvUri, requests, {
            skipMalformedRows: request.skipMalformedRows,
            signal: abort.signal,
          })
        : undefined;
    loading?.catch(() => undefined); // handled below, after `ready`
    if (request.config.mode === 'online') {
      run.feed = RowChunkFeed.forFile(this.services.platform, request.csvUri, requests, {
        skipMalformedRows: request.skipMalformedRows,
        signal: abort.signal,
      });
    }

    await this.ready;
    if (this.run !== run) return outcome;
    await this.post({
      type: 'init',
      setup: {
        runId: id,
        config: request.config,
        backend: request.backend,
        dataset: request.dataset,
        autoStart: true,
        readOnly: !vscode.workspace.isTrusted,
      },
      wasmBase:
        this.panel.webview
          .asWebviewUri(vscode.Uri.joinPath(this.services.extensionUri, 'dist', 'wasm'))
          .toString() + '/',
      hostState: this.stateForSerializer,
    });
    this.services.runStatus.show(
      `$(sync~spin) CSV Trainer: ${request.config.mode} starting`,
      request.dataset.path,
    );

    if (loading) {
      try {
        const data = await loading;
        if (this.run !== run) return outcome;
        const target = data.columns[data.columns.length - 1];
        await this.post({
          type: 'batchData',
          runId: id,
          features: data.columns.slice(0, -1),
          target,
          rowsSkipped: data.skippedRows,
        });
      } catch (error) {
        this.failRun(run, describeError(error, request.dataset.path));
      }
    }
    if (request.interactive) this.showProgressNotification(run, outcome);
    return outcome;
  }

  private showProgressNotification(run: ActiveRun, outcome: Promise<unknown>): void {
    void vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Training (${run.request.config.mode}) on ${run.request.dataset.path}`,
        cancellable: true,
      },
      async (_progress, token) => {
        token.onCancellationRequested(() => {
          if (this.run === run) this.stop();
        });
        await outcome.catch(() => undefined);
      },
    );
  }

  private failRun(run: ActiveRun, message: string): void {
    if (this.run !== run) return;
    this.run = undefined;
    void run.feed?.close();
    this.services.runStatus.hide();
    this.services.log.error(`run ${run.id}: ${message}`);
    void this.post({ type: 'dataError', runId: run.id, message });
    run.reject(new Error(message));
  }

  private async post(message: HostToWebview): Promise<void> {
    if (this.isDisposed) return;
    // The webview drops a message its checks refuse (a column name over 4096 characters, say),
    // which would leave the run waiting for ever: the same checks run here first, and such a run
    // fails with what is wrong.
    const checked = parseHostMessage(message);
    if (!checked.ok) {
      const run = this.run;
      if (run && 'runId' in message && message.runId === run.id)
        this.failRun(run, `the data cannot be sent to the training view: ${checked.error}`);
      else this.services.log.error(`not sent to the training view (${message.type}): ${checked.error}`);
      return;
    }
    await this.panel.webview.postMessage(message);
  }

  /** Id of the run in progress, if any. */
  get currentRunId(): string | undefined {
    return this.run?.id;
  }

  /** Every message from the webview enters here (tests call it too, to send what a hostile webview could). */
  receive(raw: unknown): void {
    this.onMessage(raw);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.services.log.warn(`ignored a message from the webview: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.message).catch((error) =>
      this.services.log.error(`handling ${parsed.message.type}: ${describeError(error)}`),
    );
  }

  private async handle(message: WebviewToHost): Promise<void> {
    const run = this.run;
    switch (message.type) {
      case 'ready':
        this.markReady();
        return;
      case 'start':
        // The user pressed Start with new settings: a new run on the same data.
        if (this.lastRequest) {
          const request = { ...this.lastRequest, config: { ...message.config }, interactive: true };
          void this.startRun(request).then(undefined, () => undefined);
        }
        return;
      case 'requestChunk': {
        if (!run || message.runId !== run.id || !run.feed) return;
        try {
          const chunk = await run.feed.next(message.restart);
          if (this.run === run)
            await this.post({ type: 'chunk', runId: run.id, inReplyTo: message.requestId, chunk });
        } catch (error) {
          this.failRun(run, describeError(error, run.request.dataset.path));
        }
        return;
      }
      case 'backend':
        if (!run || message.runId !== run.id) return;
        run.backend = message.backend;
        this.services.log.info(
          `run ${run.id}: backend ${message.backend.name}${message.backend.renderer ? ` (${message.backend.renderer})` : ''}: ${message.backend.reason}`,
        );
        return;
      case 'progress': {
        if (!run || message.runId !== run.id) return;
        const last = message.points[message.points.length - 1];
        if (last) {
          const loss = last.loss === null ? 'n/a' : last.loss.toPrecision(4);
          this.services.runStatus.show(
            `$(pulse) CSV Trainer: ${run.request.config.mode} · ${formatCount(message.samplesSeen)} samples · loss ${loss}`,
            `${run.request.dataset.path} — click to show the panel`,
          );
        }
        return;
      }
      case 'finished':
        if (!run || message.runId !== run.id) return;
        await this.finishRun(run, message.result, message.backend, {
          peakTensorBytes: Math.round(message.peakBytes),
          ...(message.peakHeapBytes !== undefined
            ? { peakHeapBytes: Math.round(message.peakHeapBytes) }
            : {}),
        });
        return;
      case 'failed':
        if (!run || message.runId !== run.id) return;
        this.failRun(run, message.message);
        void vscode.window.showErrorMessage(`CSV Trainer: ${notificationText(message.message)}`);
        return;
      case 'state':
        return;
      default:
        assertNever(message);
    }
  }

  private async finishRun(
    run: ActiveRun,
    result: TrainResult,
    backend: BackendInfo,
    memory: RunOutcome['memory'],
  ): Promise<void> {
    this.run = undefined;
    void run.feed?.close();
    this.services.runStatus.hide();
    const { log } = this.services;
    let saved: SavedReport;
    try {
      saved = await saveRunReport({
        platform: this.services.platform,
        csvUri: run.request.csvUri,
        request: run.request,
        result,
        backend,
        durationMs: Date.now() - run.startedAt,
        write: vscode.workspace.isTrusted,
      });
    } catch (error) {
      const message = `the run finished but its report could not be saved: ${describeError(error)}`;
      log.error(`run ${run.id}: ${message}`);
      await this.post({ type: 'saved', runId: run.id, note: message });
      void vscode.window.showErrorMessage(`CSV Trainer: ${message}`);
      run.reject(new Error(message));
      return;
    }
    const { report, uri } = saved;
    log.info(
      `run ${run.id}: ${report.status}, ${uri ? `report ${vscode.workspace.asRelativePath(uri)}` : 'no report written (untrusted workspace)'}`,
    );
    await this.post({
      type: 'saved',
      runId: run.id,
      reportPath: uri ? vscode.workspace.asRelativePath(uri) : undefined,
      note: uri ? undefined : 'This workspace is not trusted: the report was not written.',
    });
    run.resolve({ report, reportUri: uri, memory });
    if (run.request.interactive && uri) {
      const summary =
        report.status === 'diverged'
          ? `Training diverged. ${result.message ?? ''}`
          : `Training ${report.status}.`;
      const show =
        report.status === 'diverged'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
      void show(`CSV Trainer: ${summary}`, 'Open Report').then((choice) => {
        if (choice) void vscode.window.showTextDocument(uri, { preview: true });
      });
    }
  }

  /** What the webview restores after a reload: the request, so Start works again. */
  get stateForSerializer(): PanelState {
    return this.lastRequest
      ? { request: { ...this.lastRequest, csvUri: this.lastRequest.csvUri.toString() } }
      : {};
  }
}

/**
 * A run request saved in the webview's state, if it is complete, valid, and about a CSV file of
 * the workspace. The webview wrote that state, so it is checked like a message: the file must be
 * a .csv, .tsv or .txt inside a workspace folder, named without `.` or `..` segments, and the
 * dataset's kinds must match its columns. Where reports go, and whether malformed rows are
 * skipped, come from the settings, not from the state.
 */
export function restoredRequest(saved: unknown): RunRequest | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const r = saved as Record<string, unknown>;
  if (typeof r.csvUri !== 'string' || r.csvUri.length > 4096) return undefined;
  if (
    trainConfigCheck(r.config, 'config') ||
    datasetSummaryCheck(r.dataset, 'dataset') ||
    backendPreferenceCheck(r.backend, 'backend')
  )
    return undefined;
  const dataset = r.dataset as DatasetSummary;
  if (dataset.featureKinds.length !== dataset.features.length || dataset.features.length === 0)
    return undefined;
  let csvUri: vscode.Uri;
  try {
    csvUri = vscode.Uri.parse(r.csvUri, true);
  } catch {
    return undefined;
  }
  if (!RESTORABLE_FILE.test(csvUri.path)) return undefined;
  if (csvUri.path.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
  if (!vscode.workspace.getWorkspaceFolder(csvUri)) return undefined;
  const config = r.config as TrainConfig;
  const settings = readSettings(csvUri, config.mode);
  return {
    csvUri,
    config,
    dataset,
    backend: r.backend as BackendPreference,
    reportsFolder: settings.reportsFolder,
    skipMalformedRows: settings.skipMalformedRows,
    interactive: true,
  };
}

/** The files a restored panel may read again. */
const RESTORABLE_FILE = /\.(csv|tsv|txt)$/i;

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}
