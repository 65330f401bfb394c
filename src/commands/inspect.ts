// Inspect CSV: the command, the CSV Inspector custom editor, and the status bar item naming the
// column under the cursor in a CSV text editor.
import * as vscode from 'vscode';
import type { ExtensionServices } from '../extension';
import type { CsvProfile } from '../core/csv/types';
import { Disposable } from '../host/dispose';
import { describeError } from '../host/errors';
import { CsvInspectorProvider } from '../host/inspectorEditor';
import { columnAtCursor, delimiterOf, describeColumn, headerNames } from '../host/columnUnderCursor';
import { resolveCsvUri } from './train';

const CSV_PATH = /\.(csv|tsv)$/i;

export function registerInspectFeatures(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const provider = new CsvInspectorProvider(services);
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(CsvInspectorProvider.viewType, provider, {
      // The profile and the grid's position survive switching tabs; profiling a big file again would not be cheap.
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: false,
    }),
    vscode.commands.registerCommand('csvTrainer.inspect', (uri?: unknown) =>
      runInspectCommand(provider, services, uri),
    ),
    new ColumnStatusBar(),
  );
}

/** Opens the inspector on the CSV and resolves with its profile once profiling ends (undefined if cancelled). */
async function runInspectCommand(
  provider: CsvInspectorProvider,
  services: ExtensionServices,
  uriArg: unknown,
): Promise<CsvProfile | undefined> {
  const uri = await resolveCsvUri(uriArg, 'Inspect CSV');
  if (!uri) return undefined;
  try {
    const opened = provider.documentFor(uri);
    await vscode.commands.executeCommand('vscode.openWith', uri, CsvInspectorProvider.viewType);
    const document = await opened;
    return await document.whenProfiled();
  } catch (error) {
    // The inspector shows profiling errors itself; the command's caller gets them as a rejection.
    const message = describeError(error);
    services.log.error(`Inspect CSV: ${message}`);
    throw new Error(message);
  }
}

/** "Column 2/5: price" for the cursor in a CSV text editor, from the header and the current line only. */
class ColumnStatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('csvTrainer.column', vscode.StatusBarAlignment.Right, 100),
  );
  private cached: { uri: string; headerLine: string; delimiter: string; names: string[] } | undefined;

  constructor() {
    super();
    this.item.name = 'CSV column under the cursor';
    this.item.tooltip = 'CSV Trainer: the column under the cursor (click to inspect the file)';
    this.item.command = 'csvTrainer.inspect';
    this.register(vscode.window.onDidChangeTextEditorSelection((event) => this.update(event.textEditor)));
    this.register(vscode.window.onDidChangeActiveTextEditor((editor) => this.update(editor)));
    this.update(vscode.window.activeTextEditor);
  }

  private update(editor: vscode.TextEditor | undefined): void {
    const document = editor?.document;
    if (
      !editor ||
      !document ||
      !(CSV_PATH.test(document.uri.path) || document.languageId === 'csv' || document.languageId === 'tsv') ||
      document.lineCount < 1
    ) {
      this.item.hide();
      return;
    }
    const position = editor.selection.active;
    const headerLine = document.lineAt(0).text;
    if (
      !this.cached ||
      this.cached.uri !== document.uri.toString() ||
      this.cached.headerLine !== headerLine
    ) {
      const delimiter = delimiterOf(headerLine, document.uri.path);
      this.cached = {
        uri: document.uri.toString(),
        headerLine,
        delimiter,
        names: headerNames(headerLine, delimiter),
      };
    }
    const column = columnAtCursor(
      this.cached.names,
      this.cached.delimiter,
      document.lineAt(position.line).text,
      position.character,
    );
    if (!column) {
      this.item.hide();
      return;
    }
    this.item.text = `$(table) ${describeColumn(column)}`;
    this.item.show();
  }
}
