// What the integration suites share: the test workspace, its reports folder, reading files through
// workspace.fs (the web host has no disk), and waiting on a condition.
import * as assert from 'assert';
import * as vscode from 'vscode';

export const REPORTS = '.csv-trainer/runs';

export function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'no workspace folder is open');
  return folder;
}

/** The JSON files in the reports folder, sorted (none when the folder does not exist yet). */
export async function listReports(): Promise<string[]> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(workspaceFolder(), REPORTS));
    return entries
      .filter(([name]) => name.endsWith('.json'))
      .map(([name]) => name)
      .sort();
  } catch {
    return [];
  }
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function readJson(uri: vscode.Uri): Promise<unknown> {
  return JSON.parse(await readText(uri));
}

/** Polls `probe` every 50 ms until it gives a value (not undefined or false), or fails. */
export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
