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
    await vscode.workspace.fs.createDirectory(folder);
    const json = new TextEncoder().encode(JSON.stringify(report, null, 2) + '\n');
    return claimNewName(folder, json, (attempt) =>
      attempt === 1 ? `${baseName}.json` : `${baseName}-${attempt}.json`,
    );
  },
  async writeNewFile(folder, fileName, content) {
    const parts: Uint8Array[] = [];
    let length = 0;
    const encoder = new TextEncoder();
    for await (const text of content) {
      const bytes = encoder.encode(text);
      parts.push(bytes);
      length += bytes.length;
    }
    const whole = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      whole.set(part, offset);
      offset += part.length;
    }
    const dot = fileName.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
    return claimNewName(folder, whole, (attempt) =>
      attempt === 1 ? fileName : `${stem}-${attempt}${extension}`,
    );
  },
};

/**
 * workspace.fs has no exclusive create and its writeFile is not atomic: write a temp file, then
 * rename it to a name that does not exist yet (rename without overwrite fails if it appeared since).
 */
async function claimNewName(
  folder: vscode.Uri,
  bytes: Uint8Array,
  nameOf: (attempt: number) => string,
): Promise<vscode.Uri> {
  const temp = vscode.Uri.joinPath(folder, `.${nameOf(1)}.${Date.now()}.tmp`);
  await vscode.workspace.fs.writeFile(temp, bytes);
  for (let attempt = 1; attempt < 1000; attempt++) {
    const target = vscode.Uri.joinPath(folder, nameOf(attempt));
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
  await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
  throw new Error(`no free name for ${nameOf(1)} in ${folder.path}`);
}
