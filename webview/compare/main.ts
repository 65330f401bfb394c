// The comparison view: several runs' loss curves overlaid on shared axes (x by samples seen or by
// wall time), the least-squares loss as a reference line, a table of the runs, and — for saved
// reports — their configurations side by side with a "differences only" switch. Shows only what the
// host sent, after validating it; all text goes in through textContent.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { LossChart, type XAxis, type YScale } from '../chart/lossChart';
import type { CompareShowMessage, ComparedRun, ConfigTableRow } from '../../src/core/compareProtocol';
import type { Metrics } from '../../src/core/training/types';
import { assertNever } from '../../src/core/protocol';
import { custom, el, formatCount, formatNumber } from '../dom';
import { onHostMessage, postToHost, saveRestoreState } from './bridge';

/** Colours the chart's run palette repeats (see chart/theme.ts); the CSS swatches follow it. */
const PALETTE_SIZE = 4;
/** A run with this few loss points (one per chunk of an online pass, say) is drawn as dots. */
const SPARSE_POINTS = 60;

class CompareView {
  private readonly root = document.getElementById('app')!;
  private readonly title = el('h1', { className: 'title', text: 'Comparison' });
  private readonly subtitle = el('p', { className: 'subtitle', text: 'Waiting for the runs…' });
  private readonly chartHost = el('div', { className: 'chart-host', id: 'chart' });
  private readonly runsSection = el('section', { className: 'compare-section', id: 'runs' });
  private readonly configSection = el('section', { className: 'compare-section', id: 'config' });
  private readonly note = el('p', { className: 'report-path', id: 'comparison-path' });
  private readonly chartNote = el('p', { className: 'muted chart-note', id: 'chart-note' });
  private chart!: LossChart;

  constructor() {
    this.buildLayout();
    onHostMessage((message) => {
      switch (message.type) {
        case 'show':
          if (message.restore) saveRestoreState(message.restore);
          this.show(message);
          return;
        default:
          assertNever(message.type);
      }
    });
    postToHost({ type: 'ready' });
  }

  private buildLayout(): void {
    const tools = el('div', { className: 'chart-tools', attrs: { role: 'toolbar', 'aria-label': 'Chart' } });
    const select = (id: string, label: string, options: [string, string][], apply: (v: string) => void) => {
      const node = custom(
        'vscode-single-select',
        { id, 'aria-label': label },
        ...options.map(([value, text]) => custom('vscode-option', { value }, text)),
      );
      node.addEventListener('change', () => apply((node as HTMLInputElement).value));
      return node;
    };
    tools.append(
      select(
        'compare-x',
        'X axis',
        [
          ['samples', 'x: samples seen'],
          ['time', 'x: wall time'],
        ],
        (v) => this.chart.setXAxis(v as XAxis),
      ),
      select(
        'compare-y',
        'Y scale',
        [
          ['linear', 'y: linear'],
          ['log', 'y: log'],
        ],
        (v) => this.chart.setYScale(v as YScale),
      ),
      select(
        'compare-smoothing',
        'Smoothing',
        ['0.6', '0', '0.9', '0.99'].map((v) => [v, `smoothing ${v}`]),
        (v) => this.chart.setSmoothing(Number(v)),
      ),
    );
    const resetZoom = custom('vscode-button', { secondary: true, id: 'reset-zoom' }, 'Reset zoom');
    resetZoom.addEventListener('click', () => this.chart.resetZoom());
    tools.append(resetZoom);
    this.root.append(
      el('header', { className: 'header' }, el('div', {}, this.title, this.subtitle)),
      tools,
      this.chartHost,
      this.chartNote,
      this.runsSection,
      this.note,
      this.configSection,
    );
    this.chart = new LossChart(this.chartHost, { title: 'Training loss', smoothing: 0.6 });
  }

  private show(message: CompareShowMessage): void {
    this.title.textContent = message.title;
    this.subtitle.textContent = message.subtitle;
    this.chart.clear();
    message.runs.forEach((run, i) => {
      const id = `run-${i}`;
      const role = run.history.length <= SPARSE_POINTS ? 'epoch' : 'train';
      this.chart.addSeries(id, run.label, role, { paletteIndex: i });
      const h = run.history;
      this.chart.append(
        id,
        h.map((p) => p.samplesSeen),
        h.map((p) => p.elapsedMs),
        h.map((p) => p.loss),
      );
    });
    if (message.optimum) this.chart.setReferenceLine(message.optimum.loss, 'Least squares (closed form)');
    // Say why a run shows as a few dots rather than a curve: its report holds only these points.
    const sparse = message.runs.filter((run) => run.history.length <= SPARSE_POINTS);
    this.chartNote.textContent = sparse
      .map(
        (run) =>
          `${run.label}: ${run.history.length} loss ${run.history.length === 1 ? 'point' : 'points'} recorded (drawn as dots).`,
      )
      .join(' ');
    this.chartNote.hidden = sparse.length === 0;
    this.runsSection.replaceChildren(
      el('h2', { text: 'Runs' }),
      this.runsTable(message.runs, message.optimum !== undefined),
    );
    this.note.textContent = message.comparisonPath
      ? `Comparison report saved: ${message.comparisonPath}`
      : (message.note ?? '');
    this.note.hidden = !this.note.textContent;
    this.configSection.replaceChildren(...(message.config ? this.configTable(message) : []));
    document.body.dataset.runs = String(message.runs.length);
  }

  private runsTable(runs: ComparedRun[], hasOptimum: boolean): HTMLElement {
    const regression = runs.some((r) => 'mse' in r.train);
    const classification = runs.some((r) => !('mse' in r.train));
    const metricHeads = [
      ...(regression ? ['Train MSE', 'RMSE', 'R²'] : []),
      ...(classification ? ['Log-loss', 'Accuracy'] : []),
    ];
    const heads = [
      'Run',
      'Mode',
      'Status',
      ...metricHeads,
      'Samples/s',
      'Peak memory',
      'To 1% of optimum',
      'Backend',
      'Report',
    ];
    const table = el('table', { className: 'runs-table' });
    table.append(
      el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
    );
    const body = el('tbody');
    runs.forEach((run, i) => {
      const row = el('tr', { attrs: { 'data-status': run.status } });
      row.append(
        el(
          'th',
          { className: 'run-name', attrs: { scope: 'row' } },
          swatch(i),
          el('span', { text: run.label }),
        ),
        el('td', { className: 'text', text: run.mode }),
        el('td', { className: `text status status--${run.status}`, text: run.status }),
        ...metricCells(run.train, regression, classification),
        el('td', { text: formatCount(run.samplesPerSecond) }),
        memoryCell(run),
        el('td', {
          text:
            run.timeToOptimumMs !== null
              ? formatDuration(run.timeToOptimumMs)
              : hasOptimum
                ? 'not reached'
                : '—',
        }),
        el('td', {
          className: 'text',
          text: run.backend.name,
          attrs: { title: `${run.backend.renderer ? `${run.backend.renderer}: ` : ''}${run.backend.reason}` },
        }),
        this.reportCell(run, i),
      );
      body.append(row);
    });
    table.append(body);
    return el('div', { className: 'table-scroll' }, table);
  }

  private reportCell(run: ComparedRun, index: number): HTMLElement {
    const cell = el('td', { className: 'text' });
    if (!run.reportPath) {
      cell.textContent = 'not written';
      return cell;
    }
    // The file names are long timestamps: the full path is the link's tooltip and accessible name.
    const link = el('button', {
      className: 'link',
      text: 'Open',
      attrs: { type: 'button', title: `Open ${run.reportPath}`, 'aria-label': `Open ${run.reportPath}` },
    });
    link.addEventListener('click', () => postToHost({ type: 'openReport', run: index }));
    cell.append(link);
    return cell;
  }

  private configTable(message: CompareShowMessage): HTMLElement[] {
    const rows = message.config ?? [];
    const onlyDifferences = custom('vscode-checkbox', { id: 'differences-only', label: 'Differences only' });
    const table = el('table', { className: 'config-table' });
    table.append(
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: 'Setting', attrs: { scope: 'col' } }),
          ...message.runs.map((run, i) =>
            el('th', { attrs: { scope: 'col' } }, swatch(i), el('span', { text: run.label })),
          ),
        ),
      ),
    );
    const body = el('tbody');
    for (const row of rows) body.append(configRow(row));
    table.append(body);
    const allSame = el('p', {
      className: 'muted',
      id: 'no-differences',
      text: 'These runs share every setting shown.',
    });
    const differing = rows.filter((r) => r.differs).length;
    const apply = () => {
      const only = (onlyDifferences as HTMLInputElement).checked;
      table.classList.toggle('differences-only', only);
      allSame.hidden = !(only && differing === 0);
      document.body.dataset.differencesOnly = String(only);
    };
    onlyDifferences.addEventListener('change', apply);
    apply();
    return [
      el(
        'div',
        { className: 'section-head' },
        el('h2', { text: 'Configuration' }),
        el('span', {
          className: 'muted',
          text: `${differing} of ${rows.length} settings differ`,
        }),
        onlyDifferences,
      ),
      el('div', { className: 'table-scroll' }, table),
      allSame,
    ];
  }
}

function configRow(row: ConfigTableRow): HTMLElement {
  const tr = el('tr', { className: row.differs ? 'differs' : 'same' });
  tr.append(
    el('th', { text: row.label, attrs: { scope: 'row' } }),
    ...row.values.map((v) => el('td', { className: 'text', text: v })),
  );
  return tr;
}

function swatch(index: number): HTMLElement {
  const dashed = index >= PALETTE_SIZE ? ' run-swatch--dashed' : '';
  return el('span', {
    className: `run-swatch run-swatch--${index % PALETTE_SIZE}${dashed}`,
    attrs: { 'aria-hidden': 'true' },
  });
}

function metricCells(train: Metrics, regression: boolean, classification: boolean): HTMLElement[] {
  const cell = (v: number | undefined) => el('td', { text: formatNumber(v) });
  const cells: HTMLElement[] = [];
  if (regression) {
    if ('mse' in train) cells.push(cell(train.mse), cell(train.rmse), cell(train.r2));
    else cells.push(cell(undefined), cell(undefined), cell(undefined));
  }
  if (classification) {
    if ('logLoss' in train)
      cells.push(cell(train.logLoss), el('td', { text: `${formatNumber(train.accuracy * 100, 4)} %` }));
    else cells.push(cell(undefined), cell(undefined));
  }
  return cells;
}

function memoryCell(run: ComparedRun): HTMLElement {
  const cell = el('td', { attrs: run.memoryNote ? { title: run.memoryNote } : {} });
  if (!run.peakMemory) {
    cell.textContent = '—';
    return cell;
  }
  cell.append(
    el('span', { text: formatBytes(run.peakMemory.bytes) }),
    el('span', { className: 'measure', text: run.peakMemory.measure }),
  );
  return cell;
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

new CompareView();
