// Learning-rate schedules for batch training, by epoch (0-based).
import type { TrainConfig } from './types';

/** `step`: halve every quarter of the run; `exponential`: ×0.95 per epoch; `constant`: as given. */
export function learningRateAt(
  config: Pick<TrainConfig, 'learningRate' | 'lrSchedule' | 'epochs'>,
  epoch: number,
): number {
  switch (config.lrSchedule ?? 'constant') {
    case 'step':
      return config.learningRate * 0.5 ** Math.floor(epoch / Math.max(1, Math.round(config.epochs / 4)));
    case 'exponential':
      return config.learningRate * 0.95 ** epoch;
    default:
      return config.learningRate;
  }
}
