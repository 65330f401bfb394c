// What both training loops share: yielding to the event loop (never requestAnimationFrame, which
// stops in hidden webviews), stop/pause, and the advice given when a run diverges.
import type { TrainHooks } from './types';

export const DIVERGED_ADVICE =
  'the loss became non-finite (NaN or Infinity); the last finite weights are kept. Try a lower learning rate (e.g. ÷10) and --normalize standard.';

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
