// The CSV Inspector custom editor: one InspectorDocument per file profiles it once (progress,
// cancel, restart) and indexes its rows on the way; each InspectorView is a webview showing that
// document and asking it for rows by seeking. The webview is untrusted: every message is validated.
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { describeError } from './errors';
import type { HostPlatform } from './platform';
import { buildWebviewHtml, webviewOptions } from './webviewHtml';
import {
  profileWithRowIndex,
  profileRangeWithRowIndex,
  readFileHead,
  readRows,
  RowIndex,
  type FileHead,
  type RangeSource,
  type RowBlock,
} from './rowIndex';
import { nodeFileRange } from '../node/fileRange';
import { CsvError, type CsvProfile } from '../core/csv/types';
import { assertNever } from '../core/protocol';
import {
  parseInspectorWebviewMessage,
  type InspectorHostMessage,
  type InspectorTrainMessage,
  type InspectorWebviewMessage,
} from '../core/inspectorProtocol';

/** VS Code does not open larger files as text documents for extensions (FINDINGS "VS Code facts"). */
export const TEXT_EDITOR_LIMIT_BYTES = 50 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;
/** In-memory files are handed to the profiler in slices, yielding between them, so the host stays responsive. */
const MEMORY_SLICE_BYTES = 1024 * 1024;

export interface InspectorServices {
  extensionUri: vscode.Uri;
  platform: HostPlatform;
  log: vscode.LogOutputChannel;
}

export type ProfileOutcome =
  | { status: 'running' }
  | { status: 'done'; profile: CsvProfile; elapsedMs: number }
  | { status: 'failed'; message: string; line?: number }
  | { status: 'cancelled' };

/** A whole file held in memory: web host and virtual file systems, where there is no seeking. */
function memoryRange(bytes: Uint8Array): RangeSource {
  return {
    size: bytes.length,
    async read(offset, length) {
      return bytes.subarray(offset, Math.min(bytes.length, offset + length));
    },
  };
}

async function* yieldingSlices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += MEMORY_SLICE_BYTES) {
    yield bytes.subarray(offset, offset + MEMORY_SLICE_BYTES);
    // Let webview messages (row requests, cancel) through between slices.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

export class InspectorDocument extends Disposable implements vscode.CustomDocument {
  private readonly changed = this.register(new vscode.EventEmitter<InspectorHostMessage>());
  /** Everything a view must show: progress, the profile or its failure. */
  readonly onDidChange = this.changed.event;
  private readonly disposed = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposed.event;

  fileBytes = 0;
  head: FileHead | undefined;
  outcome: ProfileOutcome = { status: 'running' };
  bytesRead = 0;
  private index = new RowIndex();
  private range: RangeSource | undefined;
  private memoryBytes: Uint8Array | undefined;
  private abort = new AbortController();
  private finished!: Promise<CsvProfile | undefined>;
  private run = 0;

  constructor(
    readonly uri: vscode.Uri,
    private readonly services: InspectorServices,
  ) {
    super();
    this.finished = this.profile();
  }

  /** Rows the grid can show: the profiling pass's index, or the rows of the first bytes until it passes them. */
  get rowsIndexed(): number {
    return Math.max(this.index.rowsIndexed, this.head?.headIndex.rowsIndexed ?? 0);
  }

  get canOpenInTextEditor(): boolean {
    return this.fileBytes < TEXT_EDITOR_LIMIT_BYTES;
  }

  /** Resolves with the profile once profiling ends (undefined if cancelled); rejects if it failed. */
  whenProfiled(): Promise<CsvProfile | undefined> {
    return this.finished;
  }

  cancel(): void {
    this.abort.abort();
  }

  restart(): void {
    if (this.outcome.status === 'running') return;
    this.abort = new AbortController();
    this.index = new RowIndex({ bom: this.head?.bom });
    this.outcome = { status: 'running' };
    this.finished = this.profile();
  }

  async readRows(start: number, count: number): Promise<RowBlock> {
    if (!this.range || !this.head) return { start, rows: [] };
    const index =
      this.index.rowsIndexed >= this.head.headIndex.rowsIndexed ? this.index : this.head.headIndex;
    return readRows(index, this.range, this.head.delimiter, start, count);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.abort.abort();
    void this.range?.close?.();
    this.memoryBytes = undefined;
    this.disposed.fire();
    super.dispose();
  }

  /** Opens the file once: the range source for seeking, the header and the first rows. */
  private async openSource(): Promise<void> {
    const { uri, services } = this;
    if (!this.range) {
      if (uri.scheme === 'file' && services.platform.name === 'node')
        this.range = await nodeFileRange(uri.fsPath);
      if (!this.range) {
        try {
          this.memoryBytes = await vscode.workspace.fs.readFile(uri);
        } catch (error) {
          throw new CsvError(
            'io',
            `cannot read ${uri.path}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        this.range = memoryRange(this.memoryBytes);
      }
      this.fileBytes = this.range.size;
      this.head = await readFileHead(this.range);
      this.index = new RowIndex({ bom: this.head.bom });
      this.changed.fire({ type: 'head', header: this.head.header, delimiter: this.head.delimiter });
      this.changed.fire({
        type: 'progress',
        bytesRead: 0,
        totalBytes: this.fileBytes,
        rowsIndexed: this.rowsIndexed,
      });
    }
  }

  private async profile(): Promise<CsvProfile | undefined> {
    const run = ++this.run;
    const signal = this.abort.signal;
    const started = Date.now();
    let lastProgress = 0;
    const reportProgress = (bytesRead: number, force = false) => {
      this.bytesRead = bytesRead;
      const now = Date.now();
      if (!force && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      this.changed.fire({
        type: 'progress',
        bytesRead,
        totalBytes: this.fileBytes,
        rowsIndexed: this.rowsIndexed,
      });
    };
    try {
      await this.openSource();
      const options = {
        signal,
        totalBytes: this.fileBytes,
        // The first progress with rows goes out at once: the grid can show them before the profile ends.
        onProgress: (bytesRead: number) => reportProgress(bytesRead, lastProgress === 0),
      };
      // One read of the file serves the profile and the row index. On Node it streams through the
      // same handle the grid seeks with, in blocks read ahead of the parser and cut at row ends.
      const profile = this.memoryBytes
        ? await profileWithRowIndex(yieldingSlices(this.memoryBytes), this.index, options)
        : await profileRangeWithRowIndex(this.range!, this.index, options);
      if (run !== this.run || this.isDisposed) return undefined;
      const elapsedMs = Date.now() - started;
      this.outcome = { status: 'done', profile, elapsedMs };
      this.bytesRead = profile.bytes;
      this.services.log.info(
        `inspect ${this.uri.path}: ${profile.rows} rows, ${profile.columns.length} columns in ${elapsedMs} ms`,
      );
      this.changed.fire({ type: 'profile', profile, rowsIndexed: this.rowsIndexed, elapsedMs });
      return profile;
    } catch (error) {
      if (run !== this.run || this.isDisposed) return undefined;
      if (signal.aborted) {
        this.outcome = { status: 'cancelled' };
        this.services.log.info(`inspect ${this.uri.path}: cancelled after ${this.bytesRead} bytes`);
        this.changed.fire({
          type: 'profileCancelled',
          bytesRead: this.bytesRead,
          rowsIndexed: this.rowsIndexed,
        });
        return undefined;
      }
      const message = describeError(error);
      const line = error instanceof CsvError ? error.line : undefined;
      this.outcome = { status: 'failed', message, line };
      this.services.log.error(`inspect ${this.uri.path}: ${message}`);
      this.changed.fire({ type: 'profileFailed', message, line, rowsIndexed: this.rowsIndexed });
      throw new Error(message);
    }
  }
}

/** One webview showing one InspectorDocument. */
class InspectorView extends Disposable {
  private isReady = false;
  /** The modes of the train requests from this view still running (see `train`). */
  private readonly training = new Set<'batch' | 'online'>();

  constructor(
    private readonly document: InspectorDocument,
    private readonly panel: vscode.WebviewPanel,
    private readonly services: InspectorServices,
  ) {
    super();
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.webview.html = buildWebviewHtml(panel.webview, services.extensionUri, 'CSV Inspector', 'inspector');
    this.register(panel.webview.onDidReceiveMessage((raw) => this.receive(raw)));
    this.register(document.onDidChange((message) => this.post(message)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  private post(message: InspectorHostMessage): void {
    // Never post before the webview said `ready`: it would be lost. `ready` sends the state.
    if (!this.isReady || this.isDisposed) return;
    void this.panel.webview.postMessage(message);
  }

  private sendState(): void {
    const d = this.document;
    this.post({
      type: 'init',
      path: vscode.workspace.asRelativePath(d.uri),
      fileBytes: d.fileBytes,
      canOpenInTextEditor: d.canOpenInTextEditor,
    });
    if (d.head) this.post({ type: 'head', header: d.head.header, delimiter: d.head.delimiter });
    const outcome = d.outcome;
    switch (outcome.status) {
      case 'running':
        this.post({
          type: 'progress',
          bytesRead: d.bytesRead,
          totalBytes: d.fileBytes,
          rowsIndexed: d.rowsIndexed,
        });
        break;
      case 'done':
        this.post({
          type: 'profile',
          profile: outcome.profile,
          rowsIndexed: d.rowsIndexed,
          elapsedMs: outcome.elapsedMs,
        });
        break;
      case 'failed':
        this.post({
          type: 'profileFailed',
          message: outcome.message,
          line: outcome.line,
          rowsIndexed: d.rowsIndexed,
        });
        break;
      case 'cancelled':
        this.post({ type: 'profileCancelled', bytesRead: d.bytesRead, rowsIndexed: d.rowsIndexed });
        break;
      default:
        assertNever(outcome);
    }
  }

  private receive(raw: unknown): void {
    const parsed = parseInspectorWebviewMessage(raw);
    if (!parsed.ok) {
      this.services.log.warn(`inspector: ignored a message from the webview: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.message).catch((error) =>
      this.services.log.error(`inspector: ${describeError(error)}`),
    );
  }

  private async handle(message: InspectorWebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.isReady = true;
        this.sendState();
        return;
      case 'requestRows': {
        const block = await this.document.readRows(message.start, message.count);
        this.post({
          type: 'rows',
          inReplyTo: message.requestId,
          start: block.start,
          rows: block.rows,
          note: block.note,
        });
        return;
      }
      case 'cancel':
        this.document.cancel();
        return;
      case 'restart':
        this.document.restart();
        return;
      case 'openLine':
        await this.openLine(message.line);
        return;
      case 'train':
        this.train(message);
        return;
      default:
        assertNever(message);
    }
  }

  private async openLine(line: number): Promise<void> {
    if (!this.document.canOpenInTextEditor) return;
    const position = new vscode.Position(line - 1, 0);
    await vscode.window.showTextDocument(this.document.uri, {
      selection: new vscode.Range(position, position),
      viewColumn: vscode.ViewColumn.Beside,
      preview: true,
    });
  }

  private train(message: InspectorTrainMessage): void {
    const outcome = this.document.outcome;
    const names = new Set(
      outcome.status === 'done'
        ? outcome.profile.columns.map((c) => c.name)
        : (this.document.head?.header ?? []),
    );
    const unknown = [message.target, ...message.features].filter((name) => !names.has(name));
    if (unknown.length > 0 || message.features.length === 0 || message.features.includes(message.target)) {
      this.services.log.warn(
        `inspector: ignored a train request with target "${message.target}" and features ${JSON.stringify(message.features)}`,
      );
      return;
    }
    // One run per mode at a time from this inspector (a batch and an online run side by side are
    // fine): a webview sending train again and again must not open a panel, and read the file,
    // for each message.
    if (this.training.has(message.mode)) {
      this.services.log.warn(`inspector: ignored a ${message.mode} train request: one is running`);
      return;
    }
    this.training.add(message.mode);
    const command = message.mode === 'batch' ? 'csvTrainer.trainBatch' : 'csvTrainer.trainOnline';
    // The train command reports its own errors to the user; the inspector only logs the outcome.
    void Promise.resolve(
      vscode.commands.executeCommand(command, this.document.uri, {
        target: message.target,
        features: message.features,
      }),
    )
      .catch((error: unknown) => this.services.log.error(`inspector: ${command}: ${describeError(error)}`))
      .finally(() => this.training.delete(message.mode));
  }
}

export class CsvInspectorProvider implements vscode.CustomReadonlyEditorProvider<InspectorDocument> {
  static readonly viewType = 'csvTrainer.inspector';
  private readonly documents = new Map<string, InspectorDocument>();
  private readonly waiting = new Map<string, ((document: InspectorDocument) => void)[]>();

  constructor(private readonly services: InspectorServices) {}

  openCustomDocument(uri: vscode.Uri): InspectorDocument {
    const key = uri.toString();
    const document = new InspectorDocument(uri, this.services);
    this.documents.set(key, document);
    document.onDidDispose(() => {
      if (this.documents.get(key) === document) this.documents.delete(key);
    });
    for (const resolve of this.waiting.get(key) ?? []) resolve(document);
    this.waiting.delete(key);
    return document;
  }

  resolveCustomEditor(document: InspectorDocument, panel: vscode.WebviewPanel): void {
    const view = new InspectorView(document, panel, this.services);
    document.onDidDispose(() => view.dispose());
  }

  /** The open document for `uri`, or the one about to be opened (e.g. right after `vscode.openWith`). */
  documentFor(uri: vscode.Uri): Promise<InspectorDocument> {
    const key = uri.toString();
    const open = this.documents.get(key);
    if (open) return Promise.resolve(open);
    return new Promise((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
  }
}
