// npm run bench:chart — LossChart in headless Chromium (playwright-core, Debian's /usr/bin/chromium):
//  1. stream 1M loss points, 2,000 per 16 ms tick, and report frame intervals and draw cost;
//  2. run a pure-JS online SGD with the chart visible and hidden, same work, and compare samples/s.
// Screenshots of the streamed chart land in test-results/ (light and dark theme variables).
// The page is served with the webview's strict CSP, so any inline style or eval would show up as a
// violation here first.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './lib/harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'test-results');
const buildDir = path.join(outDir, 'chart-bench');
const quick = process.argv.includes('--quick');
const STREAM_POINTS = quick ? 200_000 : 1_000_000;
const TRAIN_SAMPLES = quick ? 2_000_000 : 12_000_000;
const PAIRS = quick ? 2 : 8;
const TARGET_MEDIAN_FRAME_MS = 16;
const TARGET_RATIO = 0.9;

fs.mkdirSync(buildDir, { recursive: true });
await esbuild.build({
  entryPoints: [path.join(root, 'bench/chart/page.mjs')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  outfile: path.join(buildDir, 'page.js'),
  logLevel: 'warning',
});

const files = {
  '/': [path.join(root, 'bench/chart/index.html'), 'text/html'],
  '/page.js': [path.join(buildDir, 'page.js'), 'text/javascript'],
  '/chart.css': [path.join(root, 'media/chart.css'), 'text/css'],
  '/bench.css': [path.join(root, 'bench/chart/bench.css'), 'text/css'],
};
const server = http.createServer((req, res) => {
  const file = files[new URL(req.url ?? '/', 'http://127.0.0.1').pathname];
  if (req.url === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'content-type': file[1],
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:",
  });
  fs.createReadStream(file[0]).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

// The tests' Chromium and flags; no GPU process: the chart draws on a 2D canvas.
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  headless: true,
  args: [...CHROMIUM_ARGS, '--disable-gpu'],
});
let failed = false;
try {
  const page = await browser.newPage({ viewport: { width: 940, height: 500 }, deviceScaleFactor: 1 });
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => 'chartBench' in window);

  console.log(`streaming ${STREAM_POINTS.toLocaleString('en')} points into the chart…`);
  const stream = await page.evaluate(
    (total) => window.chartBench.stream({ total, batch: 2000, tickMs: 16 }),
    STREAM_POINTS,
  );
  await page.locator('#chart-host').screenshot({ path: path.join(outDir, 'chart-bench.png') });
  await page.evaluate(() => window.chartBench.setTheme('dark'));
  await page.locator('#chart-host').screenshot({ path: path.join(outDir, 'chart-bench-dark.png') });
  await page.evaluate(() => window.chartBench.setView({ yScale: 'log', xAxis: 'time' }));
  await page.locator('#chart-host').screenshot({ path: path.join(outDir, 'chart-bench-dark-log-time.png') });
  await page.evaluate(() => window.chartBench.setView({ yScale: 'linear', xAxis: 'samples' }));
  await page.evaluate(() => window.chartBench.setTheme('light'));

  // Warm the JIT first. Then hidden/visible pairs, back to back and in alternating order: the ratio
  // within a pair cancels the slow drift of a shared machine's load, which swamps the difference
  // between best-of runs.
  console.log(
    `training ${TRAIN_SAMPLES.toLocaleString('en')} samples of online SGD per run, chart hidden and visible…`,
  );
  await page.evaluate(() => window.chartBench.train({ totalSamples: 1_000_000, visible: false }));
  const runs = [];
  const pairRatios = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const order = pair % 2 === 0 ? [false, true] : [true, false];
    const result = {};
    for (const visible of order) {
      const r = await page.evaluate((o) => window.chartBench.train(o), {
        totalSamples: TRAIN_SAMPLES,
        visible,
      });
      runs.push(r);
      result[visible ? 'visible' : 'hidden'] = r.samplesPerSecond;
    }
    pairRatios.push(result.visible / result.hidden);
  }
  const median = (values) => {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const hidden = median(runs.filter((r) => !r.visible).map((r) => r.samplesPerSecond));
  const shown = median(runs.filter((r) => r.visible).map((r) => r.samplesPerSecond));
  const ratio = median(pairRatios);
  const violations = await page.evaluate(() => window.chartBench.violations());

  const ms = (v) => `${v.toFixed(2)} ms`;
  const rows = [
    ['points streamed', STREAM_POINTS.toLocaleString('en'), ''],
    ['frame interval median', ms(stream.frameInterval.median), ''],
    ['frame interval p95', ms(stream.frameInterval.p95), ''],
    ['chart draw median', ms(stream.draw.median), ''],
    ['chart draw p95', ms(stream.draw.p95), ''],
    ['frame cost median (draw+paint+commit)', ms(stream.frameCost.median), `< ${TARGET_MEDIAN_FRAME_MS} ms`],
    ['frame cost p95', ms(stream.frameCost.p95), ''],
    ['append 2,000 points median', ms(stream.appendPerBatch.median), ''],
    ['long tasks (> 50 ms)', String(stream.longTasks.count), ''],
    ['draws during stream', String(stream.draws), ''],
    ['train samples/s, chart hidden (median)', Math.round(hidden).toLocaleString('en'), ''],
    ['train samples/s, chart visible (median)', Math.round(shown).toLocaleString('en'), ''],
    ['visible / hidden (median of pairs)', ratio.toFixed(3), `≥ ${TARGET_RATIO}`],
    ['pair ratios', pairRatios.map((r) => r.toFixed(2)).join(' '), ''],
    [
      'draws per visible run',
      runs
        .filter((r) => r.visible)
        .map((r) => r.draws)
        .join(', '),
      '',
    ],
    ['load average (1 min) / cores', `${os.loadavg()[0].toFixed(1)} / ${os.cpus().length}`, ''],
    ['CSP violations, page errors', `${violations.length}, ${consoleErrors.length}`, '0, 0'],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('\nLossChart benchmark (headless Chromium, software rendering)');
  for (const [k, v, t] of rows) console.log(`  ${k.padEnd(w0)}  ${v.padStart(w1)}  ${t}`);
  for (const r of runs)
    console.log(
      `  run: ${r.visible ? 'visible' : 'hidden '}  ${Math.round(r.samplesPerSecond).toLocaleString('en')} samples/s  ${r.ms.toFixed(0)} ms: ${r.draws} draws ${r.drawMs.toFixed(1)} ms, yields ${r.yieldMs.toFixed(1)} ms, appends ${r.appendMs.toFixed(1)} ms`,
    );
  for (const v of violations) console.log(`  CSP violation: ${v}`);
  for (const e of consoleErrors) console.log(`  page error: ${e}`);
  console.log(
    `\nscreenshots: ${path.relative(root, outDir)}/chart-bench.png, chart-bench-dark.png, chart-bench-dark-log-time.png`,
  );

  // The median frame: the main-thread draw cost must fit a 60 Hz frame, and frames must keep
  // coming (the interval is vsync-bound, ~16.7 ms, so it is reported rather than gated at 16).
  const frameOk = stream.frameCost.median < TARGET_MEDIAN_FRAME_MS && stream.frameInterval.median < 2 * 16.7;
  failed = !frameOk || ratio < TARGET_RATIO || violations.length > 0 || consoleErrors.length > 0;
  console.log(failed ? '\nFAIL' : '\nPASS');
} finally {
  await browser.close();
  server.close();
}
process.exitCode = failed ? 1 : 0;
