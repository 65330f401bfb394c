import * as vscode from 'vscode';
import { DEFAULT_CONFIG, type TrainConfig, type TrainingMode } from '../core/training/types';
import type { BackendPreference } from '../core/protocol';

export interface TrainerSettings {
  backend: BackendPreference;
  reportsFolder: string;
  skipMalformedRows: boolean;
  defaults: TrainConfig;
}

export function readSettings(scope: vscode.Uri | undefined, mode: TrainingMode): TrainerSettings {
  const c = vscode.workspace.getConfiguration('csvTrainer', scope);
  return {
    backend: c.get<BackendPreference>('backend', 'auto'),
    reportsFolder: c.get<string>('reportsFolder', '.csv-trainer/runs'),
    skipMalformedRows: c.get<boolean>('skipMalformedRows', false),
    defaults: {
      ...DEFAULT_CONFIG,
      mode,
      learningRate: c.get<number>('learningRate', DEFAULT_CONFIG.learningRate),
      batchSize: c.get<number>('batchSize', DEFAULT_CONFIG.batchSize),
      epochs: mode === 'online' ? 1 : c.get<number>('epochs', DEFAULT_CONFIG.epochs),
      normalize: c.get<'standard' | 'none'>('normalize', DEFAULT_CONFIG.normalize),
      validationSplit: c.get<number>('validationSplit', DEFAULT_CONFIG.validationSplit),
      seed: c.get<number>('seed', DEFAULT_CONFIG.seed),
      shuffle: mode === 'batch',
    },
  };
}
