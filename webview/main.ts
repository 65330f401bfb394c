// The training panel's UI: settings, Start/Pause/Stop, the live loss chart, the backend in use,
// and the run's outcome. Runs in the webview; talks to the host only through hostBridge.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import { LossChart } from './chart/lossChart';
import {
  assertNever,
  trainConfigCheck,
  type BackendInfo,
  type HostToWebview,
  type RunSetup,
} from '../src/core/protocol';
import { EQUATION_TERMS, linearEquation } from '../src/core/equation';
import type { LossPoint, Metrics, TrainConfig, TrainResult } from '../src/core/training/types';
import { custom, el, formatCount, formatNumber } from './dom';
import { loadState, onHostMessage, postToHost, saveState } from './hostBridge';
import { TrainingRun } from './trainingRunner';

/** What survives a window reload (setState): enough to show the last run again. */
interface SavedView {
  host?: unknown;
  setup?: RunSetup;
  wasmBase?: string;
  points?: LossPoint[];
  result?: TrainResult;
  backend?: BackendInfo;
  reportPath?: string;
}

const MAX_SAVED_POINTS = 2000;

class TrainingView {
  private readonly root = document.getElementById('app')!;
  private readonly title = el('h1', { className: 'title' });
  private readonly subtitle = el('p', { className: 'subtitle' });
  private readonly backendBadge = el('span', {
    className: 'badge',
    id: 'backend',
    text: 'backend: not started',
  });
  private readonly statusLine = el('p', {
    className: 'status',
    id: 'status',
    attrs: { role: 'status' },
    text: 'Waiting for data…',
  });
  private readonly stats = el('dl', { className: 'stats', id: 'stats' });
  private readonly outcome = el('section', {
    className: 'outcome',
    id: 'outcome',
    attrs: { 'aria-label': 'Result' },
  });
  private readonly chartHost = el('div', { className: 'chart-host', id: 'chart' });
  private readonly fields = new Map<keyof TrainConfig, HTMLElement>();
  // tabindex before disabled: vscode-button restores the tab index it had when first disabled,
  // and a custom element's default is -1, which would leave Pause and Stop out of the tab order.
  private readonly startButton = custom('vscode-button', { id: 'start', tabindex: '0' }, 'Start');
  private readonly pauseButton = custom(
    'vscode-button',
    { id: 'pause', secondary: true, tabindex: '0', disabled: true },
    'Pause',
  );
  private readonly stopButton = custom(
    'vscode-button',
    { id: 'stop', secondary: true, tabindex: '0', disabled: true },
    'Stop',
  );
  private chart!: LossChart;
  private setup: RunSetup | undefined;
  private wasmBase = '';
  private run: TrainingRun | undefined;
  private saved: SavedView = loadState<SavedView>() ?? {};
  private points: LossPoint[] = [];
  private runStartedAt = 0;
  private lastStatsUpdate = 0;
  private chartPoints = 0;
  private lastValidationLoss: number | undefined;

  constructor() {
    this.buildLayout();
    if (this.saved.setup) this.restore(this.saved);
    onHostMessage((message) => this.onMessage(message));
    postToHost({ type: 'ready' });
  }

  private buildLayout(): void {
    const header = el(
      'header',
      { className: 'header' },
      el('div', {}, this.title, this.subtitle),
      this.backendBadge,
    );
    const controls = el('form', { className: 'controls', attrs: { 'aria-label': 'Training settings' } });
    controls.addEventListener('submit', (e) => e.preventDefault());
    const select = (key: keyof TrainConfig, label: string, options: [string, string][]) => {
      const node = custom(
        'vscode-single-select',
        { id: `field-${key}`, 'aria-label': label },
        ...options.map(([value, text]) => custom('vscode-option', { value }, text)),
      );
      this.addField(controls, key, label, node);
    };
    const number = (key: keyof TrainConfig, label: string, min: string, step: string) => {
      const node = custom('vscode-textfield', {
        id: `field-${key}`,
        type: 'number',
        min,
        step,
        'aria-label': label,
      });
      this.addField(controls, key, label, node);
    };
    select('model', 'Model', [
      ['linear', 'Linear regression'],
      ['logistic', 'Logistic regression'],
      ['softmax', 'Softmax regression'],
      ['mlp', 'Neural network (MLP)'],
    ]);
    // text, not number: a number field's step would flag 0.01 or 3e-4 as invalid
    const learningRate = custom('vscode-textfield', {
      id: 'field-learningRate',
      inputmode: 'decimal',
      'aria-label': 'Learning rate',
    });
    this.addField(controls, 'learningRate', 'Learning rate', learningRate);
    number('batchSize', 'Batch size', '1', '1');
    number('epochs', 'Epochs', '1', '1');
    number('seed', 'Seed', '0', '1');
    number('validationSplit', 'Validation split', '0', '0.05');
    select('optimizer', 'Optimizer', [
      ['sgd', 'SGD'],
      ['momentum', 'Momentum'],
      ['adam', 'Adam'],
    ]);
    const standardise = custom('vscode-checkbox', { id: 'field-normalize', label: 'Standardise features' });
    this.fields.set('normalize', standardise);
    const bias = custom('vscode-checkbox', { id: 'field-bias', label: 'Bias term' });
    this.fields.set('bias', bias);
    controls.append(el('div', { className: 'field checkboxes' }, standardise, bias));

    const buttons = el('div', { className: 'buttons' }, this.startButton, this.pauseButton, this.stopButton);
    this.startButton.addEventListener('click', () => this.requestStart());
    this.pauseButton.addEventListener('click', () => this.togglePause());
    this.stopButton.addEventListener('click', () => this.run?.stop());

    const chartTools = el('div', {
      className: 'chart-tools',
      attrs: { role: 'toolbar', 'aria-label': 'Chart' },
    });
    // One dropdown per chart setting: its options as [value, label], applied on change.
    const chartSelect = (
      id: string,
      label: string,
      options: [string, string][],
      apply: (value: string) => void,
    ) => {
      const select = custom(
        'vscode-single-select',
        { id, 'aria-label': label },
        ...options.map(([value, text]) => custom('vscode-option', { value }, text)),
      );
      select.addEventListener('change', () => apply((select as HTMLInputElement).value));
      return select;
    };
    const xAxis = chartSelect(
      'chart-x',
      'X axis',
      [
        ['samples', 'x: samples seen'],
        ['time', 'x: time'],
      ],
      (v) => this.chart.setXAxis(v as 'samples' | 'time'),
    );
    const yScale = chartSelect(
      'chart-y',
      'Y scale',
      [
        ['linear', 'y: linear'],
        ['log', 'y: log'],
      ],
      (v) => this.chart.setYScale(v as 'linear' | 'log'),
    );
    const smoothing = chartSelect(
      'chart-smoothing',
      'Smoothing',
      ['0', '0.6', '0.9', '0.99'].map((v) => [v, `smoothing ${v}`]),
      (v) => this.chart.setSmoothing(Number(v)),
    );
    const resetZoom = custom('vscode-button', { secondary: true, id: 'reset-zoom' }, 'Reset zoom');
    resetZoom.addEventListener('click', () => this.chart.resetZoom());
    chartTools.append(xAxis, yScale, smoothing, resetZoom);

    this.root.append(
      header,
      el(
        'section',
        { className: 'panel-grid' },
        el('div', { className: 'left' }, controls, buttons, this.statusLine, this.stats),
        el('div', { className: 'right' }, chartTools, this.chartHost, this.outcome),
      ),
    );
    this.chart = new LossChart(this.chartHost, { title: 'Loss' });
    (smoothing as HTMLInputElement).value = '0.6';
    this.chart.setSmoothing(0.6);
  }

  private addField(form: HTMLElement, key: keyof TrainConfig, label: string, control: HTMLElement): void {
    this.fields.set(key, control);
    form.append(
      el('div', { className: 'field' }, custom('vscode-label', { for: `field-${key}` }, label), control),
    );
  }

  private fillControls(config: TrainConfig): void {
    for (const [key, node] of this.fields) {
      const value = config[key];
      if (key === 'normalize') (node as HTMLInputElement).checked = value === 'standard';
      else if (key === 'bias') (node as HTMLInputElement).checked = Boolean(value);
      else (node as HTMLInputElement).value = String(value);
    }
    this.fields.get('batchSize')!.toggleAttribute('disabled', config.mode === 'online');
    this.fields.get('validationSplit')!.toggleAttribute('disabled', config.mode === 'online');
  }

  private readControls(): TrainConfig | string {
    if (!this.setup) return 'no data yet';
    const config: TrainConfig = { ...this.setup.config };
    const record = config as unknown as Record<string, unknown>;
    for (const [key, node] of this.fields) {
      const input = node as HTMLInputElement;
      if (key === 'normalize') config.normalize = input.checked ? 'standard' : 'none';
      else if (key === 'bias') config.bias = input.checked;
      else if (key === 'model' || key === 'optimizer') record[key] = input.value;
      else {
        const value = Number(input.value);
        if (input.value.trim() === '' || !Number.isFinite(value))
          return `${key}: "${input.value}" is not a number`;
        record[key] = value;
      }
    }
    return config;
  }

  private requestStart(): void {
    const config = this.readControls();
    if (typeof config === 'string') {
      this.setStatus(config, 'error');
      return;
    }
    // The host validates too (it trusts nothing from here); checking first gives the user the reason.
    const problem = trainConfigCheck(config, 'settings');
    if (problem) {
      this.setStatus(problem.replace(/^settings\./, ''), 'error');
      return;
    }
    this.setStatus('Starting…');
    postToHost({ type: 'start', config });
  }

  private togglePause(): void {
    if (!this.run) return;
    if (this.run.isPaused) this.run.resumeRun();
    else this.run.pause();
  }

  private setStatus(text: string, tone: 'info' | 'error' | 'ok' = 'info'): void {
    this.statusLine.textContent = text;
    this.statusLine.dataset.tone = tone;
  }

  private setRunning(running: boolean): void {
    this.startButton.toggleAttribute('disabled', running);
    this.pauseButton.toggleAttribute('disabled', !running);
    this.stopButton.toggleAttribute('disabled', !running);
    this.pauseButton.textContent = 'Pause';
    document.body.dataset.running = String(running);
  }

  private showSetup(setup: RunSetup): void {
    const { dataset, config } = setup;
    this.title.textContent = `Train (${config.mode}) — ${dataset.path}`;
    this.subtitle.textContent = `${dataset.target} ← ${dataset.features.join(', ')}`;
    this.fillControls(config);
    const validationLabel =
      config.mode === 'online' ? 'Progressive loss (predict, then learn)' : 'Validation loss';
    this.chart.clear();
    this.chart.addSeries(
      'train',
      config.mode === 'online' ? 'Training loss (per update, smoothed)' : 'Training loss (per batch)',
      'train',
    );
    this.chart.addSeries('epoch', 'Training loss (per epoch)', 'epoch');
    this.chart.addSeries(
      'validation',
      validationLabel,
      config.mode === 'online' ? 'progressive' : 'validation',
    );
    if (setup.readOnly) this.setStatus('Untrusted workspace: training runs, but no report will be written.');
  }

  private onMessage(message: HostToWebview): void {
    switch (message.type) {
      case 'init':
        this.run?.stop();
        this.setup = message.setup;
        this.wasmBase = message.wasmBase;
        this.points = [];
        this.chartPoints = 0;
        this.lastValidationLoss = undefined;
        delete document.body.dataset.points;
        this.outcome.replaceChildren();
        this.saved = { host: message.hostState, setup: message.setup, wasmBase: message.wasmBase };
        saveState(this.saved);
        this.showSetup(message.setup);
        this.setStatus(message.setup.config.mode === 'batch' ? 'Reading the CSV…' : 'Streaming the CSV…');
        if (message.setup.config.mode === 'online') void this.startRun();
        return;
      case 'batchData':
        if (message.runId !== this.setup?.runId) return;
        this.setStatus(
          `Loaded ${formatCount(message.target.kind === 'numeric' ? message.target.values.length : message.target.codes.length)} rows${message.rowsSkipped ? ` (${message.rowsSkipped} malformed rows skipped)` : ''}.`,
        );
        void this.startRun(message.features, message.target);
        return;
      case 'chunk':
        if (message.runId === this.setup?.runId) this.run?.chunks.deliver(message);
        return;
      case 'dataError':
        if (message.runId !== this.setup?.runId) return;
        this.run?.chunks.fail(message.message);
        this.setStatus(message.message, 'error');
        this.setRunning(false);
        return;
      case 'control':
        if (message.action === 'stop') this.run?.stop();
        else if (message.action === 'pause') this.run?.pause();
        else this.run?.resumeRun();
        return;
      case 'saved':
        if (message.runId !== this.setup?.runId) return;
        if (message.reportPath) {
          this.saved.reportPath = message.reportPath;
          saveState(this.saved);
          this.outcome
            .querySelector('.report-path')
            ?.replaceChildren(document.createTextNode(`Report saved: ${message.reportPath}`));
        } else if (message.note) {
          this.outcome.querySelector('.report-path')?.replaceChildren(document.createTextNode(message.note));
        }
        return;
      case 'showRun':
        this.run?.stop();
        this.setup = message.setup;
        this.saved = {
          setup: message.setup,
          result: message.result,
          backend: message.backend,
          points: message.result.history,
          reportPath: message.reportPath,
        };
        this.restore(this.saved);
        this.title.textContent = `Run report — ${message.setup.dataset.path} (${message.setup.config.mode})`;
        this.startButton.toggleAttribute('disabled', true);
        this.setStatus(
          `Saved run of ${new Date(message.createdAt).toLocaleString()}: ${message.result.status}.`,
        );
        return;
      default:
        assertNever(message);
    }
  }

  private async startRun(
    features?: Parameters<TrainingRun['trainBatch']>[0],
    target?: Parameters<TrainingRun['trainBatch']>[1],
  ): Promise<void> {
    const setup = this.setup!;
    const run = new TrainingRun(setup, this.wasmBase, {
      onBackend: (info) => this.showBackend(info),
      onReference: (optimum) => this.chart.setReferenceLine(optimum.loss, 'Least squares (closed form)'),
      onPoints: (points) => this.onPoints(points),
      onState: (state) => {
        this.pauseButton.textContent = state === 'paused' ? 'Resume' : 'Pause';
        this.setStatus(state === 'paused' ? 'Paused.' : 'Training…');
      },
    });
    this.run = run;
    this.runStartedAt = performance.now();
    this.setRunning(true);
    this.setStatus('Training…');
    try {
      const { result, backend } =
        features && target ? await run.trainBatch(features, target) : await run.trainOnline();
      if (this.run !== run) return;
      this.showResult(result, backend);
      postToHost({
        type: 'finished',
        runId: setup.runId,
        result,
        backend,
        peakBytes: run.peakBytes,
        ...(run.peakHeapBytes !== undefined ? { peakHeapBytes: run.peakHeapBytes } : {}),
      });
    } catch (error) {
      if (this.run !== run) return;
      const message = error instanceof Error ? error.message : String(error);
      this.setStatus(message, 'error');
      postToHost({ type: 'failed', runId: setup.runId, message });
    } finally {
      if (this.run === run) {
        this.run = undefined;
        this.setRunning(false);
      }
    }
  }

  private showBackend(info: BackendInfo): void {
    this.backendBadge.textContent = `backend: ${info.name}${info.renderer ? ` · ${info.renderer}` : ''}`;
    this.backendBadge.title = info.reason;
    this.saved.backend = info;
  }

  private onPoints(points: LossPoint[]): void {
    const steps = points.filter((p) => p.kind === 'step');
    const epochs = points.filter((p) => p.kind === 'epoch');
    const axis = (list: LossPoint[], pick: (p: LossPoint) => number | undefined) => {
      const samples: number[] = [];
      const times: number[] = [];
      const values: number[] = [];
      for (const p of list) {
        const v = pick(p);
        if (v === undefined || v === null || !Number.isFinite(v)) continue;
        samples.push(p.samplesSeen);
        times.push(p.elapsedMs);
        values.push(v);
      }
      return [samples, times, values] as const;
    };
    if (steps.length) this.chart.append('train', ...axis(steps, (p) => p.loss));
    if (epochs.length) this.chart.append('epoch', ...axis(epochs, (p) => p.loss));
    const withValidation = points.filter((p) => p.validationLoss !== undefined && p.validationLoss !== null);
    if (withValidation.length) {
      this.chart.append('validation', ...axis(withValidation, (p) => p.validationLoss));
      this.lastValidationLoss = withValidation[withValidation.length - 1].validationLoss;
    }
    this.chartPoints += points.length;
    document.body.dataset.points = String(this.chartPoints); // for tests and assistive tooling
    for (const p of points) this.points.push(p);
    if (this.points.length > MAX_SAVED_POINTS * 2) this.points = this.points.filter((_, i) => i % 2 === 0);
    const now = performance.now();
    if (now - this.lastStatsUpdate > 200) {
      this.lastStatsUpdate = now;
      this.showLiveStats(points[points.length - 1]);
    }
  }

  private showLiveStats(last: LossPoint): void {
    const seconds = Math.max((performance.now() - this.runStartedAt) / 1000, 1e-3);
    this.renderStats([
      ['Samples seen', formatCount(last.samplesSeen)],
      ['Samples / s', formatCount(last.samplesSeen / seconds)],
      ['Epoch', String(last.epoch)],
      ['Loss', formatNumber(last.loss)],
      [
        this.setup?.config.mode === 'online' ? 'Progressive loss' : 'Validation loss',
        formatNumber(this.lastValidationLoss),
      ],
    ]);
  }

  private renderStats(rows: [string, string][]): void {
    this.stats.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  }

  private showResult(result: TrainResult, backend: BackendInfo): void {
    const tone = result.status === 'completed' ? 'ok' : result.status === 'stopped' ? 'info' : 'error';
    this.setStatus(
      result.status === 'completed'
        ? 'Done.'
        : result.status === 'stopped'
          ? 'Stopped.'
          : `${result.status}: ${result.message ?? ''}`,
      tone,
    );
    if (result.optimum) this.chart.setReferenceLine(result.optimum.loss, 'Least squares (closed form)');
    const metricRows = (label: string, m: Metrics | undefined): [string, string][] =>
      !m
        ? []
        : 'mse' in m
          ? [
              [`${label} MSE`, formatNumber(m.mse)],
              [`${label} RMSE`, formatNumber(m.rmse)],
              [`${label} R²`, formatNumber(m.r2)],
            ]
          : [
              [`${label} log-loss`, formatNumber(m.logLoss)],
              [`${label} accuracy`, `${formatNumber(m.accuracy * 100, 4)} %`],
            ];
    this.renderStats([
      ['Status', result.status],
      ['Samples seen', formatCount(result.samplesSeen)],
      ['Samples / s (training)', formatCount(result.samplesSeen / Math.max(result.trainingMs / 1000, 1e-3))],
      ['Rows used / skipped', `${formatCount(result.rowsUsed)} / ${formatCount(result.rowsSkipped)}`],
      ...metricRows('Train', result.metrics.train),
      ...metricRows('Validation', result.metrics.validation),
      ...metricRows('Progressive', result.metrics.progressive),
      ...(result.optimum
        ? ([['Least-squares MSE', formatNumber(result.optimum.mse)]] as [string, string][])
        : []),
      ['Backend', backend.name],
    ]);
    this.outcome.replaceChildren(
      ...this.renderModel(result),
      el('p', {
        className: 'report-path',
        text: this.setup?.readOnly ? 'Untrusted workspace: no report written.' : 'Saving the report…',
      }),
    );
    this.saved.result = result;
    this.saved.points = this.points.slice(-MAX_SAVED_POINTS);
    saveState(this.saved);
  }

  private renderModel(result: TrainResult): HTMLElement[] {
    const weights = Object.entries(result.model.weights);
    if (weights.length === 0) return [];
    const table = el(
      'table',
      { className: 'weights' },
      el('caption', {
        text: result.model.type === 'linear' ? 'Model (original units)' : 'Weights (original units)',
      }),
    );
    const body = el('tbody');
    body.append(
      el('tr', {}, el('th', { text: 'bias' }), el('td', { text: formatNumber(result.model.bias, 6) })),
    );
    for (const [name, w] of weights.slice(0, 200))
      body.append(el('tr', {}, el('th', { text: name }), el('td', { text: formatNumber(w, 6) })));
    table.append(body);
    const eq = el('p', {
      className: 'equation',
      text: `${this.setup?.dataset.target ?? 'y'} ≈ ${linearEquation(result.model.bias, weights, (v) => formatNumber(v), EQUATION_TERMS)}`,
    });
    return [eq, table];
  }

  private restore(saved: SavedView): void {
    this.setup = saved.setup;
    this.wasmBase = saved.wasmBase ?? '';
    this.showSetup(saved.setup!);
    if (saved.backend) this.showBackend(saved.backend);
    if (saved.points) this.onPoints(saved.points);
    if (saved.result && saved.backend) this.showResult(saved.result, saved.backend);
    if (saved.reportPath)
      this.outcome
        .querySelector('.report-path')
        ?.replaceChildren(document.createTextNode(`Report saved: ${saved.reportPath}`));
    this.setStatus('Restored the last run. Press Start to train again.');
  }
}

new TrainingView();
