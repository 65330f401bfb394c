// Web extension host: no Node APIs. workspace.fs has no streams, so a CSV is read whole.
import * as vscode from 'vscode';
import type { HostPlatform } from './platform';
import { CsvError } from '../core/csv/types';

export const webPlatform: HostPlatform = {
  name: 'web',
  readChunks(uri) {
    return {
      async *[Symbol.asyncIterator]() {
        let bytes: Uint8Array;
        try {
          bytes = await vscode.workspace.fs.readFile(uri);
        } catch (error) {
          throw new CsvError(
            'io',
            `cannot read ${uri.path}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        yield bytes;
      },
    };
  },
  async sha256(uri) {
    const bytes = await vscode.workspace.fs.readFile(uri);
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  },
  async writeReport(folder, baseName, report) {
    const json = JSON.stringify(report, null, 2) + '\n';
    // workspace.fs has no exclusive create and its writeFile is not atomic: write a temp file, then
    // rename to a name that does not exist yet (rename without overwrite fails if it appeared since).
    await vscode.workspace.fs.createDirectory(folder);
    const temp = vscode.Uri.joinPath(folder, `.${baseName}.${Date.now()}.tmp`);
    await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(json));
    for (let attempt = 1; attempt < 1000; attempt++) {
      const target = vscode.Uri.joinPath(
        folder,
        attempt === 1 ? `${baseName}.json` : `${baseName}-${attempt}.json`,
      );
      try {
        await vscode.workspace.fs.stat(target);
        continue; // taken
      } catch {
        // free
      }
      try {
        await vscode.workspace.fs.rename(temp, target, { overwrite: false });
        return target;
      } catch (error) {
        if (error instanceof vscode.FileSystemError && error.code === 'FileExists') continue;
        await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
        throw error;
      }
    }
    throw new Error(`no free report name for ${baseName} in ${folder.path}`);
  },
};
