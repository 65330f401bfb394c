// What both training loops share: yielding to the event loop (never requestAnimationFrame, which
// stops in hidden webviews), stop/pause, and the advice given when a run diverges.
import type { TrainConfig, TrainHooks } from './types';

const NON_FINITE = 'the loss became non-finite (NaN or Infinity); the last finite weights are kept.';

/** A final MSE this many times that of predicting 0 everywhere (the starting point): the steps blew up. */
const GROWTH_LIMIT = 100;

/** What to say when a run's loss turns non-finite. */
export function divergedAdvice(config: AdviceConfig, inputs: number, overflowedColumn?: string): string {
  if (overflowedColumn !== undefined) return overflowAdvice(overflowedColumn);
  return `${NON_FINITE} ${learningRateAdvice(config, inputs)}`;
}

/** What a column whose values' squares overflow needs: no learning rate trains on it. */
export function overflowAdvice(column: string): string {
  return `column "${column}" has values too large to train on (their squares overflow: beyond about ±1.3e154); rescale the column or remove those rows`;
}

/**
 * A run whose loss stayed finite but grew far past where it started (weights that start at zero
 * predict 0: an MSE of mean(y²)) is diverging too, only not yet overflowing: the advice for it, or
 * undefined when the loss did not grow so.
 */
export function grewAdvice(
  mse: number,
  meanSquare: number,
  config: AdviceConfig,
  inputs: number,
): string | undefined {
  if (!(mse > GROWTH_LIMIT * meanSquare)) return undefined;
  return `the loss grew instead of falling (final MSE ${formatRate(mse)}, against ${formatRate(meanSquare)} for predicting 0). ${learningRateAdvice(config, inputs)}`;
}

type AdviceConfig = Pick<TrainConfig, 'learningRate' | 'normalize' | 'model'>;

/**
 * With standardised inputs, gradient descent on a linear or logistic model is stable only below a
 * learning rate of about 2 / (inputs + 1) (the squared length of a standardised row, bias
 * included): a wide file diverges at the default rate, and the advice then names a rate that works
 * (half that bound, rounded down to 1, 2 or 5 × 10ⁿ).
 */
export function learningRateAdvice(config: AdviceConfig, inputs: number): string {
  if (config.normalize !== 'standard')
    return 'Try standardised features and a lower learning rate (e.g. ÷10).';
  const safe = roundDown125(1 / (inputs + 1));
  if ((config.model === 'linear' || config.model === 'logistic') && config.learningRate > safe)
    return `With ${inputs} standardised inputs, steps are stable only below a learning rate of about ${formatRate(2 / (inputs + 1))}: try a lower learning rate, ${formatRate(safe)} or less.`;
  return 'Try a lower learning rate (e.g. ÷10).';
}

function roundDown125(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const leading = value / power;
  return (leading >= 5 ? 5 : leading >= 2 ? 2 : 1) * power;
}

function formatRate(value: number): string {
  return Number(value.toPrecision(2)).toString();
}

const YIELD_EVERY_MS = 50;

export class LoopControl {
  private lastYield: number;

  constructor(private readonly hooks: TrainHooks | undefined) {
    this.lastYield = now();
  }

  get stopped(): boolean {
    return this.hooks?.signal?.aborted === true;
  }

  /** Lets the UI breathe about every 50 ms and honours pause; cheap when called often. */
  async breathe(force = false): Promise<void> {
    if (!force && now() - this.lastYield < YIELD_EVERY_MS) return;
    await yieldToEventLoop();
    if (this.hooks?.waitIfPaused) await this.hooks.waitIfPaused();
    this.lastYield = now();
  }
}

/**
 * One turn of the event loop. A MessageChannel message is not clamped to 4 ms like a nested
 * setTimeout(0), nor throttled in hidden frames; Node (the CLI) has it too.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    // `onmessage` exists on both the DOM's and Node's ports (and starts them); Node's types omit it.
    const port = channel.port1 as unknown as { onmessage: (() => void) | null; close(): void };
    port.onmessage = () => {
      port.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
