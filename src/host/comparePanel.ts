// The comparison view: a webview panel that overlays several runs' loss curves and tables them. It
// only shows what the host sends; the one thing the view may ask is to open a run's report, named
// by its index in the host's own list (never a path from the view). Every message is validated.
import * as vscode from 'vscode';
import { Disposable } from './dispose';
import { buildWebviewHtml, webviewOptions } from './webviewHtml';
import {
  parseCompareViewMessage,
  type CompareShowMessage,
  type CompareViewMessage,
} from '../core/compareProtocol';
import { assertNever } from '../core/protocol';
import type { PanelServices } from './trainingPanel';

export class ComparePanel extends Disposable {
  static readonly viewType = 'csvTrainer.compare';
  private static readonly open = new Set<ComparePanel>();
  private readonly ready: Promise<void>;
  private markReady!: () => void;
  private reportUris: (vscode.Uri | undefined)[] = [];
  /** Messages from the view that were refused (tests read it). */
  ignoredMessages = 0;

  static get active(): ComparePanel | undefined {
    return [...ComparePanel.open].find((p) => p.panel.active) ?? [...ComparePanel.open].pop();
  }

  /** A panel VS Code brings back after a window reload; the caller shows it its runs again. */
  static revive(panel: vscode.WebviewPanel, services: PanelServices): ComparePanel {
    panel.webview.options = webviewOptions(services.extensionUri);
    return new ComparePanel(panel, services);
  }

  static create(services: PanelServices, title: string): ComparePanel {
    const panel = vscode.window.createWebviewPanel(
      ComparePanel.viewType,
      title,
      vscode.ViewColumn.Active,
      webviewOptions(services.extensionUri),
    );
    return new ComparePanel(panel, services);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: PanelServices,
  ) {
    super();
    ComparePanel.open.add(this);
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
    panel.webview.html = buildWebviewHtml(panel.webview, services.extensionUri, panel.title, 'compare');
    this.register(panel.webview.onDidReceiveMessage((raw) => this.receive(raw)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    ComparePanel.open.delete(this);
    super.dispose();
    this.panel.dispose();
  }

  /** Shows the runs once the view is ready; `reportUris[i]` is what "open report" of run i opens. */
  async show(message: CompareShowMessage, reportUris: (vscode.Uri | undefined)[]): Promise<void> {
    this.reportUris = reportUris;
    await this.ready;
    if (!this.isDisposed) await this.panel.webview.postMessage(message);
  }

  /** Every message from the view enters here (tests call it too, to send what a hostile view could). */
  receive(raw: unknown): void {
    const parsed = parseCompareViewMessage(raw);
    if (!parsed.ok) {
      this.ignoredMessages++;
      this.services.log.warn(`ignored a message from the comparison view: ${parsed.error}`);
      return;
    }
    void this.handle(parsed.message).catch((error) =>
      this.services.log.error(`comparison view: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  private async handle(message: CompareViewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.markReady();
        return;
      case 'openReport': {
        const uri = this.reportUris[message.run];
        if (!uri) {
          this.ignoredMessages++;
          this.services.log.warn(`ignored a request to open report ${message.run}: there is none`);
          return;
        }
        await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
        return;
      }
      default:
        assertNever(message);
    }
  }
}
