// activate(): registers commands, the panel serializer and the status bar; nothing else.
import * as vscode from 'vscode';
import type { HostPlatform } from './host/platform';
import { RunStatusBar, TrainingPanel, type PanelServices, type PanelState } from './host/trainingPanel';
import { runTrainCommand, type TrainCommandOptions } from './commands/train';
import { registerInspectFeatures } from './commands/inspect';
import { runOpenReportCommand } from './commands/openReport';
import { runPredictCommand } from './commands/predict';
import { runRerunCommand } from './commands/rerun';
import {
  restoreComparisonPanel,
  runCompareCommand,
  runCompareReportsCommand,
  type CompareCommandOptions,
} from './commands/compare';
import { ComparePanel } from './host/comparePanel';

/** What every command and panel gets from activate(). */
export type ExtensionServices = PanelServices & { workspaceState: vscode.Memento };

/** What `activate` returns: a small surface for tests and other extensions. */
export interface CsvTrainerApi {
  /** The training panel that is active or was opened last. */
  activePanel(): { currentRunId: string | undefined; receive(raw: unknown): void } | undefined;
  /** The comparison view that is active or was opened last. */
  activeComparison(): { receive(raw: unknown): void; ignoredMessages: number } | undefined;
}

export function activateExtension(context: vscode.ExtensionContext, platform: HostPlatform): CsvTrainerApi {
  const log = vscode.window.createOutputChannel('CSV Trainer', { log: true });
  const runStatus = new RunStatusBar();
  context.subscriptions.push(log, runStatus);
  const services: ExtensionServices = {
    extensionUri: context.extensionUri,
    platform,
    log,
    runStatus,
    workspaceState: context.workspaceState,
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('csvTrainer.trainBatch', (uri?: unknown, options?: TrainCommandOptions) =>
      runTrainCommand('batch', services, uri, options),
    ),
    vscode.commands.registerCommand(
      'csvTrainer.trainOnline',
      (uri?: unknown, options?: TrainCommandOptions) => runTrainCommand('online', services, uri, options),
    ),
    vscode.commands.registerCommand('csvTrainer.showPanel', () => TrainingPanel.active?.reveal()),
    vscode.commands.registerCommand('csvTrainer.openReport', (uri?: unknown) =>
      runOpenReportCommand(services, uri),
    ),
    vscode.commands.registerCommand(
      'csvTrainer.predict',
      (reportUri?: unknown, csvUri?: unknown, options?: unknown) =>
        runPredictCommand(services, reportUri, csvUri, options),
    ),
    vscode.commands.registerCommand('csvTrainer.rerun', (reportUri?: unknown, options?: unknown) =>
      runRerunCommand(services, reportUri, options),
    ),
    vscode.commands.registerCommand('csvTrainer.compare', (uri?: unknown, options?: CompareCommandOptions) =>
      runCompareCommand(services, uri, options),
    ),
    vscode.commands.registerCommand('csvTrainer.compareReports', (uri?: unknown, uris?: unknown) =>
      runCompareReportsCommand(services, uri, uris),
    ),
    vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, {
      // Not awaited: the view is shown again once it says it is ready, which it can only do after
      // the deserializer has returned (awaiting that here deadlocks the restore).
      async deserializeWebviewPanel(panel, state: unknown) {
        void restoreComparisonPanel(services, panel, state);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(TrainingPanel.viewType, {
      async deserializeWebviewPanel(panel, state: unknown) {
        const saved =
          typeof state === 'object' && state !== null ? (state as { host?: PanelState }).host : undefined;
        TrainingPanel.revive(panel, services, saved);
      },
    }),
  );
  registerInspectFeatures(context, services);
  return { activePanel: () => TrainingPanel.active, activeComparison: () => ComparePanel.active };
}
