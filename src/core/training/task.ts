// What a model predicts and which loss it trains with, decided once from the config and the target.
import type { ColumnKind } from '../csv/types';
import { TrainingInputError, type ModelType, type TrainConfig } from './types';

/** `squared`: regression, J = 1/(2m) Σ(ŷ−y)². `logistic`: binary log-loss. `softmax`: multi-class log-loss. */
export type LossKind = 'squared' | 'logistic' | 'softmax';

export interface Task {
  kind: 'regression' | 'classification';
  loss: LossKind;
}

export function resolveTask(config: Pick<TrainConfig, 'model' | 'task'>, targetKind: ColumnKind): Task {
  const model: ModelType = config.model;
  switch (model) {
    case 'linear':
      return { kind: 'regression', loss: 'squared' };
    case 'logistic':
      return { kind: 'classification', loss: 'logistic' };
    case 'softmax':
      return { kind: 'classification', loss: 'softmax' };
    case 'mlp': {
      const kind = config.task ?? (targetKind === 'category' ? 'classification' : 'regression');
      return kind === 'regression' ? { kind, loss: 'squared' } : { kind, loss: 'softmax' };
    }
    default: {
      const never: never = model;
      throw new TrainingInputError(`unknown model "${String(never)}"`);
    }
  }
}

/** The report's name for a loss. */
export function lossName(loss: LossKind): 'mse' | 'log-loss' | 'categorical-log-loss' {
  return loss === 'squared' ? 'mse' : loss === 'logistic' ? 'log-loss' : 'categorical-log-loss';
}

const NEGATIVE_FIRST: [string, string][] = [
  ['false', 'true'],
  ['0', '1'],
  ['no', 'yes'],
  ['n', 'y'],
  ['-1', '1'],
];

/**
 * Class order: boolean-like pairs negative first (so "true"/"yes"/1 is the positive class of a
 * logistic model), everything else sorted, as scikit-learn's `classes_` is.
 */
export function orderClasses(names: string[]): string[] {
  if (names.length === 2) {
    const lower = names.map((n) => n.trim().toLowerCase());
    for (const [negative, positive] of NEGATIVE_FIRST) {
      const i = lower.indexOf(negative);
      const j = lower.indexOf(positive);
      if (i >= 0 && j >= 0) return [names[i], names[j]];
    }
  }
  const numeric = names.every((n) => n.trim() !== '' && Number.isFinite(Number(n)));
  return [...names].sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function checkClassCount(target: string, classes: string[], loss: LossKind): void {
  if (classes.length < 2)
    throw new TrainingInputError(
      `target "${target}" has ${classes.length === 0 ? 'no values' : `one class (${classes[0]})`}; classification needs at least two`,
    );
  if (loss === 'logistic' && classes.length > 2)
    throw new TrainingInputError(
      `target "${target}" has ${classes.length} classes; logistic regression is binary (use --model softmax)`,
    );
}
