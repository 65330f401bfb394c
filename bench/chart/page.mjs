// Benchmark page for LossChart, driven by scripts/bench-chart.mjs through playwright-core.
// Plain JS (bundled by esbuild) because the repo's Node tsconfig, which includes bench/, has no DOM.
import { LossChart } from '../../webview/chart/lossChart';

const host = document.getElementById('chart-host');
const chart = new LossChart(host, { title: 'Training loss' });
const violations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  violations.push(`${e.violatedDirective} ${e.blockedURI}`),
);

const REFERENCE_LOSS = 0.25;

/** Box–Muller, seeded through a small xorshift so every run streams the same curve. */
function gaussian(rng) {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
function xorshift(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}
const expectedLoss = (s) => REFERENCE_LOSS + 2.5 * Math.exp(-s / 120_000) + 0.8 * Math.exp(-s / 15_000);

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
function summary(values) {
  const s = Float64Array.from(values).sort();
  return { count: s.length, median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1] ?? NaN };
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Streams `total` points, `batch` per `tickMs`, as a training run posting progress would. */
async function stream({ total = 1_000_000, batch = 2_000, tickMs = 16 } = {}) {
  chart.clear();
  chart.addSeries('train', 'train (per step)', 'train');
  chart.addSeries('validation', 'validation', 'validation');
  chart.addSeries('epoch', 'epoch mean', 'epoch');
  chart.setReferenceLine(REFERENCE_LOSS, 'least squares');
  const rng = xorshift(7);
  const samples = new Float64Array(batch);
  const times = new Float64Array(batch);
  const losses = new Float64Array(batch);
  const frameDeltas = [];
  const drawMs = [];
  const frameCostMs = [];
  const appendMs = [];
  let lastFrame = 0;
  let lastDrawCount = chart.drawCount;
  let running = true;
  const onFrame = (t) => {
    if (lastFrame) frameDeltas.push(t - lastFrame);
    lastFrame = t;
    if (running) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  const longTasks = [];
  const observer = new PerformanceObserver((list) =>
    list.getEntries().forEach((e) => longTasks.push(e.duration)),
  );
  try {
    observer.observe({ type: 'longtask', buffered: false });
  } catch {
    /* long task timing unsupported: the frame deltas still tell */
  }
  const started = performance.now();
  let epochSum = 0;
  let epochCount = 0;
  for (let sent = 0; sent < total; sent += batch) {
    const now = performance.now() - started;
    for (let j = 0; j < batch; j++) {
      const s = sent + j + 1;
      samples[j] = s;
      times[j] = now;
      const loss = expectedLoss(s) * Math.exp(0.35 * gaussian(rng));
      losses[j] = loss;
      epochSum += loss;
      epochCount++;
    }
    const t0 = performance.now();
    chart.append('train', samples, times, losses);
    const end = sent + batch;
    if (end % 50_000 === 0) chart.append('validation', [end], [now], [expectedLoss(end) * 1.08]);
    if (end % 100_000 === 0) {
      chart.append('epoch', [end], [now], [epochSum / epochCount]);
      epochSum = 0;
      epochCount = 0;
    }
    appendMs.push(performance.now() - t0);
    if (chart.drawCount !== lastDrawCount) {
      lastDrawCount = chart.drawCount;
      drawMs.push(chart.lastDrawMs);
      frameCostMs.push(chart.lastFrameCostMs);
    }
    await sleep(tickMs);
  }
  // Let the last frame land before the screenshot.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  running = false;
  observer.disconnect();
  return {
    points: total,
    wallMs: performance.now() - started,
    frameInterval: summary(frameDeltas),
    draw: summary(drawMs),
    frameCost: summary(frameCostMs),
    appendPerBatch: summary(appendMs),
    longTasks: summary(longTasks),
    draws: chart.drawCount,
  };
}

/**
 * One slice of online SGD, in its own plain function: inside the async loop, V8 would re-enter it
 * through on-stack replacement after every await and keep recompiling it in the background, which
 * is noise in a measurement of the chart's cost.
 */
function sgdSlice(m, from, to, points) {
  const { X, Y, w, features, rows, lr, pointEvery } = m;
  let n = 0;
  for (let step = from; step < to; step++) {
    const o = (step % rows) * features;
    let pred = 0;
    for (let f = 0; f < features; f++) pred += w[f] * X[o + f];
    const err = pred - Y[step % rows];
    const g = lr * err;
    for (let f = 0; f < features; f++) w[f] -= g * X[o + f];
    m.acc += err * err;
    if ((step + 1) % pointEvery === 0) {
      points.samples[n] = step + 1;
      points.timeMs[n] = performance.now() - m.started;
      points.loss[n] = m.acc / pointEvery;
      m.acc = 0;
      n++;
    }
  }
  return n;
}

/** A pure-JS online SGD on 16 synthetic features: the stand-in for the training loop. */
async function train({
  totalSamples = 4_000_000,
  pointEvery = 10,
  stepsPerSlice = 20_000,
  visible = true,
} = {}) {
  host.classList.toggle('is-hidden', !visible);
  chart.clear();
  chart.addSeries('progressive', 'progressive loss', 'progressive');
  chart.setReferenceLine(0.01, 'least squares');
  const features = 16;
  const rows = 50_000;
  const rng = xorshift(11);
  const trueWeights = Float64Array.from({ length: features }, () => gaussian(rng));
  const X = new Float64Array(rows * features);
  const Y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let y = 0;
    for (let f = 0; f < features; f++) {
      const v = gaussian(rng);
      X[r * features + f] = v;
      y += v * trueWeights[f];
    }
    Y[r] = y + 0.1 * gaussian(rng);
  }
  const model = {
    X,
    Y,
    w: new Float64Array(features),
    features,
    rows,
    lr: 0.002,
    pointEvery,
    acc: 0,
    started: 0,
  };
  const maxPoints = Math.ceil(stepsPerSlice / pointEvery);
  const points = {
    samples: new Float64Array(maxPoints),
    timeMs: new Float64Array(maxPoints),
    loss: new Float64Array(maxPoints),
  };
  // MessageChannel yields without setTimeout's clamping and without rAF, so it works hidden too.
  const channel = new MessageChannel();
  const yieldToBrowser = () =>
    new Promise((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  const drawsBefore = chart.drawCount;
  const started = performance.now();
  model.started = started;
  let step = 0;
  let appendMs = 0;
  let yieldMs = 0;
  let drawMs = 0;
  let lastDraws = chart.drawCount;
  while (step < totalSamples) {
    const sliceEnd = Math.min(totalSamples, step + stepsPerSlice);
    const n = sgdSlice(model, step, sliceEnd, points);
    step = sliceEnd;
    const t0 = performance.now();
    chart.append(
      'progressive',
      points.samples.subarray(0, n),
      points.timeMs.subarray(0, n),
      points.loss.subarray(0, n),
    );
    const t1 = performance.now();
    await yieldToBrowser();
    appendMs += t1 - t0;
    yieldMs += performance.now() - t1;
    if (chart.drawCount !== lastDraws) {
      lastDraws = chart.drawCount;
      drawMs += chart.lastDrawMs;
    }
  }
  const ms = performance.now() - started;
  channel.port1.close();
  host.classList.remove('is-hidden');
  return {
    visible,
    samples: totalSamples,
    ms,
    samplesPerSecond: (totalSamples / ms) * 1000,
    draws: chart.drawCount - drawsBefore,
    appendMs,
    yieldMs,
    drawMs,
  };
}

function setTheme(name) {
  document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
  document.body.classList.add(`vscode-${name}`);
  // The MutationObserver re-reads the theme; wait for the frame it schedules.
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

function setView(options) {
  if (options.xAxis) chart.setXAxis(options.xAxis);
  if (options.yScale) chart.setYScale(options.yScale);
  if (options.smoothing !== undefined) chart.setSmoothing(options.smoothing);
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

window.chartBench = { chart, stream, train, setTheme, setView, violations: () => violations.slice() };
