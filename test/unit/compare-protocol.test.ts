// The comparison view's protocol: what the view may send is tiny and strictly checked; what the host
// sends is built from validated reports and passes its own check.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparedRun,
  parseCompareHostMessage,
  parseCompareViewMessage,
  peakMemoryOf,
} from '../../src/core/compareProtocol';
import type { RunReport } from '../../src/core/report';

const report = {
  mode: 'online',
  status: 'completed',
  metrics: { train: { mse: 1, rmse: 1, r2: 0.5 } },
  timing: { samplesPerSecond: 1000 },
  backend: { name: 'cpu', reason: 'asked for' },
  optimum: { mse: 1.8, loss: 0.9 },
  history: [
    { samplesSeen: 100, elapsedMs: 10, epoch: 0, loss: 2, kind: 'step' },
    { samplesSeen: 100, elapsedMs: 11, epoch: 0, loss: 2, kind: 'epoch' },
    { samplesSeen: 200, elapsedMs: 20, epoch: 1, loss: 0.905, kind: 'step' },
  ],
} as unknown as RunReport;

describe('comparison view protocol', () => {
  it('accepts ready and openReport by index; refuses everything else', () => {
    assert.equal(parseCompareViewMessage({ type: 'ready' }).ok, true);
    assert.equal(parseCompareViewMessage({ type: 'openReport', run: 0 }).ok, true);
    for (const forged of [
      null,
      'ready',
      { type: '__proto__' },
      { type: 'toString' },
      { type: 'openReport' },
      { type: 'openReport', run: '0' },
      { type: 'openReport', run: -1 },
      { type: 'openReport', run: 1.5 },
      { type: 'openReport', run: 12 },
      { type: 'show', title: '', subtitle: '', runs: [] },
    ])
      assert.equal(parseCompareViewMessage(forged).ok, false, JSON.stringify(forged));
  });

  it('a run built from a report passes the host message check; curves keep per-step points', () => {
    const run = comparedRun(report, 'online', '.csv-trainer/runs/a.json', { peakTensorBytes: 0 });
    assert.deepEqual(
      run.history.map((p) => p.samplesSeen),
      [100, 200],
    );
    assert.equal(run.timeToOptimumMs, 20);
    assert.deepEqual(run.peakMemory, { bytes: 0, measure: 'tfjs tensors' });
    const message = { type: 'show', title: 't', subtitle: 's', runs: [run], optimum: report.optimum };
    assert.deepEqual(parseCompareHostMessage(message), { ok: true, message });
    const bad = { ...message, runs: [{ ...run, history: [{ samplesSeen: 1, elapsedMs: 1, loss: NaN }] }] };
    assert.equal(parseCompareHostMessage(bad).ok, false);
  });

  it('peak memory: the process RSS first, then the webview heap, then tensors, else nothing', () => {
    assert.equal(
      peakMemoryOf({ peakRssBytes: 3, peakHeapBytes: 2, peakTensorBytes: 1 })!.measure,
      'process RSS',
    );
    assert.equal(peakMemoryOf({ peakHeapBytes: 2, peakTensorBytes: 1 })!.measure, 'webview JS heap');
    assert.equal(peakMemoryOf({ memoryNote: 'none' }), undefined);
  });
});
