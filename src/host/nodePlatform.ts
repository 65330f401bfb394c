// Node extension host (desktop, code-server, remote): files are streamed from disk and reports are
// written atomically. Non-file URIs (virtual workspaces) go through workspace.fs like on the web.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostPlatform } from './platform';
import { webPlatform } from './webPlatform';
import { fileChunks } from '../node/fileSource';
import { writeReportAtomically } from '../node/reportWriter';
import { writeNewFileAtomically } from '../node/newFileWriter';

export const nodePlatform: HostPlatform = {
  name: 'node',
  readChunks(uri, signal) {
    return uri.scheme === 'file' ? fileChunks(uri.fsPath) : webPlatform.readChunks(uri, signal);
  },
  async sha256(uri) {
    if (uri.scheme !== 'file') return webPlatform.sha256(uri);
    const hash = crypto.createHash('sha256');
    for await (const chunk of fs.createReadStream(uri.fsPath, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
    return hash.digest('hex');
  },
  async writeReport(folder, baseName, report, workspaceRoot) {
    if (folder.scheme !== 'file') return webPlatform.writeReport(folder, baseName, report, workspaceRoot);
    const written = await writeReportAtomically(folder.fsPath, baseName, report, {
      workspaceRoot: workspaceRoot.fsPath,
    });
    return vscode.Uri.file(path.resolve(written));
  },
  async writeNewFile(folder, fileName, content) {
    if (folder.scheme !== 'file') return webPlatform.writeNewFile(folder, fileName, content);
    const written = await writeNewFileAtomically(path.join(folder.fsPath, fileName), content, 'next-free');
    return vscode.Uri.file(path.resolve(written));
  },
};
