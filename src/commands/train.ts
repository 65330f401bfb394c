// Train (batch) and Train (online): resolve the CSV, the target and the features (asking only for
// what the caller did not give), then run in the training panel and resolve with the report.
import * as vscode from 'vscode';
import { trainConfigCheck, type BackendPreference, type DatasetSummary } from '../core/protocol';
import type { ModelType, TrainConfig, TrainingMode } from '../core/training/types';
import { defaultFeatures, defaultTarget, sampleColumns, type ColumnSummary } from '../host/dataSource';
import { readSettings } from '../host/settings';
import { TrainingPanel, type PanelServices, type RunOutcome } from '../host/trainingPanel';
import type { RunReport } from '../core/report';
import { describeError, UserInputError } from '../host/errors';

/** What other extensions and tests may pass: with `target` set, nothing is asked. */
export interface TrainCommandOptions extends Partial<Omit<TrainConfig, 'mode'>> {
  target?: string;
  features?: string[];
  backend?: BackendPreference;
  /** Default true for commands run by a person; tests pass false to keep notifications quiet. */
  interactive?: boolean;
}

const CSV_EXTENSION = /\.(csv|tsv)$/i;

export async function resolveCsvUri(arg: unknown, title: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return vscode.Uri.parse(arg);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && CSV_EXTENSION.test(active.path)) return active;
  const activeTab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (activeTab instanceof vscode.TabInputText && CSV_EXTENSION.test(activeTab.uri.path))
    return activeTab.uri;
  const files = await vscode.workspace.findFiles('**/*.{csv,tsv,CSV,TSV}', '**/node_modules/**', 500);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('CSV Trainer: no CSV files in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files
      .map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri }))
      .sort((a, b) => a.label.localeCompare(b.label)),
    { title, placeHolder: 'Pick a CSV file' },
  );
  return picked?.uri;
}

function defaultModel(target: ColumnSummary): ModelType {
  if (target.kind === 'numeric') return 'linear';
  return target.distinct > 2 ? 'softmax' : 'logistic';
}

function rememberKey(uri: vscode.Uri): string {
  return `csvTrainer.columns:${uri.toString()}`;
}

async function pickColumns(
  columns: ColumnSummary[],
  remembered: { target?: string; features?: string[] } | undefined,
): Promise<{ target: ColumnSummary; features: ColumnSummary[] } | undefined> {
  const usable = columns.filter((c) => c.kind);
  const preferredTarget = usable.find((c) => c.name === remembered?.target) ?? defaultTarget(usable);
  const targetItems = usable.map((c) => ({
    label: c.name,
    description: c.type,
    column: c,
    picked: c === preferredTarget,
  }));
  // Put the suggested target first so Enter accepts it.
  targetItems.sort((a, b) => Number(b.picked) - Number(a.picked));
  const targetPick = await vscode.window.showQuickPick(targetItems, {
    title: 'CSV Trainer: target column (what to predict)',
    placeHolder: preferredTarget ? `Suggested: ${preferredTarget.name}` : undefined,
  });
  if (!targetPick) return undefined;
  const target = targetPick.column;
  const rememberedFeatures = remembered?.target === target.name ? remembered.features : undefined;
  const suggested = new Set(rememberedFeatures ?? defaultFeatures(usable, target.name).map((c) => c.name));
  const featurePick = await vscode.window.showQuickPick(
    usable
      .filter((c) => c !== target)
      .map((c) => ({ label: c.name, description: c.type, column: c, picked: suggested.has(c.name) })),
    { title: `CSV Trainer: features to predict ${target.name} from`, canPickMany: true },
  );
  if (!featurePick || featurePick.length === 0) return undefined;
  return { target, features: featurePick.map((p) => p.column) };
}

export async function runTrainCommand(
  mode: TrainingMode,
  services: PanelServices & { workspaceState: vscode.Memento },
  uriArg: unknown,
  options: TrainCommandOptions | undefined,
): Promise<RunReport | undefined> {
  return (await runTraining(mode, services, uriArg, options))?.report;
}

/** The train command's flow, resolving with all the panel knows of the run (Compare needs more than the report). */
export async function runTraining(
  mode: TrainingMode,
  services: PanelServices & { workspaceState: vscode.Memento },
  uriArg: unknown,
  options: TrainCommandOptions | undefined,
): Promise<RunOutcome | undefined> {
  const interactive = options?.interactive ?? true;
  try {
    if (options !== undefined && (typeof options !== 'object' || options === null))
      throw new UserInputError('the options argument must be an object');
    const csvUri = await resolveCsvUri(uriArg, `Train (${mode})`);
    if (!csvUri) return undefined;
    const displayPath = vscode.workspace.asRelativePath(csvUri);
    const settings = readSettings(csvUri, mode);
    const columns = await sampleColumns(services.platform, csvUri);

    let target: ColumnSummary | undefined;
    let features: ColumnSummary[];
    if (options?.target !== undefined) {
      target = columns.find((c) => c.name === options.target);
      if (!target)
        throw new UserInputError(
          `${displayPath}: no column "${String(options.target)}"; columns are ${columns.map((c) => c.name).join(', ')}`,
        );
      const names = options.features ?? defaultFeatures(columns, target.name).map((c) => c.name);
      if (!Array.isArray(names) || names.length === 0)
        throw new UserInputError(`${displayPath}: no feature columns to train on`);
      features = names.map((name) => {
        const column = columns.find((c) => c.name === name);
        if (!column)
          throw new UserInputError(
            `${displayPath}: no feature column "${String(name)}"; columns are ${columns.map((c) => c.name).join(', ')}`,
          );
        if (!column.kind)
          throw new UserInputError(
            `${displayPath}: column "${name}" is ${column.type}, not usable as a feature`,
          );
        return column;
      });
    } else {
      const remembered = services.workspaceState.get<{ target?: string; features?: string[] }>(
        rememberKey(csvUri),
      );
      const picked = await pickColumns(columns, remembered);
      if (!picked) return undefined;
      ({ target, features } = picked);
      await services.workspaceState.update(rememberKey(csvUri), {
        target: target.name,
        features: features.map((f) => f.name),
      });
    }
    if (!target.kind)
      throw new UserInputError(
        `${displayPath}: column "${target.name}" is ${target.type}, not usable as a target`,
      );

    const {
      target: _target,
      features: _features,
      backend,
      interactive: _interactive,
      ...overrides
    } = options ?? {};
    const config: TrainConfig = { ...settings.defaults, model: defaultModel(target), ...overrides, mode };
    const configError = trainConfigCheck(config, 'options');
    if (configError) throw new UserInputError(configError);
    if (config.model === 'linear' && target.kind !== 'numeric') {
      throw new UserInputError(
        `${displayPath}: target "${target.name}" is ${target.type}, not numeric; use the logistic or softmax model`,
      );
    }
    const targetKind =
      config.model === 'linear' || (config.model === 'mlp' && target.kind === 'numeric')
        ? 'numeric'
        : 'category';
    const dataset: DatasetSummary = {
      path: displayPath,
      target: target.name,
      features: features.map((f) => f.name),
      featureKinds: features.map((f) => f.kind!),
      targetKind,
    };

    const panel = TrainingPanel.create(services, `Train (${mode}): ${displayPath.split('/').pop()}`);
    const outcome = await panel.startRun({
      csvUri,
      dataset,
      config,
      backend: backend ?? settings.backend,
      reportsFolder: settings.reportsFolder,
      skipMalformedRows: settings.skipMalformedRows,
      interactive,
    });
    return outcome;
  } catch (error) {
    const message = describeError(error);
    services.log.error(message);
    if (interactive) void vscode.window.showErrorMessage(`CSV Trainer: ${message}`);
    throw error instanceof UserInputError ? error : new Error(message);
  }
}
