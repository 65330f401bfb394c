// What a saved run needs to be trained again exactly: its mode, full configuration and seed, and its
// columns with the kinds they were read as. Shared by `csv-trainer rerun` and "Re-run from Report".
import type { ColumnKind } from './csv/types';
import type { RunReport } from './report';
import { DEFAULT_CONFIG, type TrainConfig } from './training/types';

export interface RerunPlan {
  config: TrainConfig;
  target: string;
  targetKind: ColumnKind;
  features: string[];
  featureKinds: ColumnKind[];
  sha256: string;
}

export function rerunPlan(report: RunReport): RerunPlan {
  const { loss: _loss, ...saved } = report.config;
  const config: TrainConfig = { ...DEFAULT_CONFIG, ...saved, mode: report.mode };
  // Runs without these settings must not inherit today's defaults for them.
  if (saved.earlyStoppingPatience === undefined) delete config.earlyStoppingPatience;
  if (saved.task === undefined) delete config.task;
  if (saved.lrSchedule === undefined) delete config.lrSchedule;
  const categorical = new Set(Object.keys(report.preprocessing.categoryMaps));
  return {
    config,
    target: report.dataset.target,
    // A classification run read its target as classes; a regression run as numbers.
    targetKind: report.preprocessing.targetClasses === undefined ? 'numeric' : 'category',
    features: report.dataset.features,
    featureKinds: report.dataset.features.map((name) => (categorical.has(name) ? 'category' : 'numeric')),
    sha256: report.dataset.sha256,
  };
}

/** The largest absolute difference between two reports' model parameters (0: identical). */
export function modelDifference(a: RunReport['model'], b: RunReport['model']): number {
  const flat = (model: RunReport['model']): number[] => [
    model.bias,
    ...Object.values(model.weights),
    ...Object.values(model.classBias ?? {}),
    ...Object.values(model.classWeights ?? {}).flatMap((w) => Object.values(w)),
    ...(model.layers ?? []).flatMap((layer) => [...layer.weights.flat(), ...layer.bias]),
  ];
  const x = flat(a);
  const y = flat(b);
  if (x.length !== y.length) return Infinity;
  return x.reduce((max, value, i) => Math.max(max, Math.abs(value - y[i])), 0);
}
