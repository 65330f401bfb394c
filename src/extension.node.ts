import type * as vscode from 'vscode';
import { activateExtension, type CsvTrainerApi } from './extension';
import { nodePlatform } from './host/nodePlatform';

export function activate(context: vscode.ExtensionContext): CsvTrainerApi {
  return activateExtension(context, nodePlatform);
}

export function deactivate(): void {}
