import type * as vscode from 'vscode';
import { activateExtension, type CsvTrainerApi } from './extension';
import { webPlatform } from './host/webPlatform';

export function activate(context: vscode.ExtensionContext): CsvTrainerApi {
  return activateExtension(context, webPlatform);
}

export function deactivate(): void {}
