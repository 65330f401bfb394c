// What differs between the Node extension host (desktop, code-server) and the web extension host:
// how a CSV is read, how it is hashed, and how a report is written. Everything else is shared.
import type * as vscode from 'vscode';
import type { ByteChunks } from '../core/csv/types';

export interface HostPlatform {
  readonly name: 'node' | 'web';
  /** The file's bytes, streamed on Node; read whole on the web (workspace.fs has no streams). */
  readChunks(uri: vscode.Uri, signal?: AbortSignal): ByteChunks;
  /** Hex sha256 of the file's bytes. */
  sha256(uri: vscode.Uri): Promise<string>;
  /** Writes `report` as JSON in a new file in `folder` named from `baseName` (never overwriting); returns its URI. */
  writeReport(
    folder: vscode.Uri,
    baseName: string,
    report: unknown,
    workspaceRoot: vscode.Uri,
  ): Promise<vscode.Uri>;
  /**
   * Writes `content` as a new file `fileName` in `folder`, or `<stem>-2<ext>`, `-3`, … when taken
   * (never overwriting); atomic: a reader sees all of it or nothing. Streamed to disk on Node;
   * gathered in memory on the web (workspace.fs has no streams). Returns its URI.
   */
  writeNewFile(folder: vscode.Uri, fileName: string, content: AsyncIterable<string>): Promise<vscode.Uri>;
}
