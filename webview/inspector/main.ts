// The CSV Inspector's UI: dialect and size, profiling progress (with Cancel), the per-column
// profile, problems (linking to the line in the text editor), target/feature pickers with the
// Train buttons, and the virtualised preview grid. Everything from the file goes in as textContent.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { ColumnProfile, CsvDialect, CsvProfile } from '../../src/core/csv/types';
import type { InspectorHostMessage } from '../../src/core/inspectorProtocol';
import { assertNever } from '../../src/core/protocol';
import { custom, el, formatCount } from '../dom';
import { onHostMessage, postToHost } from './bridge';
import { buildColumnTable } from './columnTable';
import { VirtualGrid } from './grid';

const DELIMITER_NAMES: Record<CsvDialect['delimiter'], string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};
const LINE_ENDING_NAMES: Record<CsvDialect['lineEnding'], string> = {
  lf: 'LF',
  crlf: 'CRLF',
  cr: 'CR',
  mixed: 'mixed',
  none: 'none',
};
const USABLE_TYPES = new Set<ColumnProfile['type']>(['number', 'integer', 'boolean', 'category']);
const NUMERIC_TYPES = new Set<ColumnProfile['type']>(['number', 'integer']);

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

class InspectorApp {
  private readonly title = el('h1', { className: 'title', text: 'CSV Inspector' });
  private readonly subtitle = el('p', { className: 'subtitle' });
  private readonly facts = el('dl', { className: 'facts', id: 'dialect' });
  private readonly progressBar = custom('vscode-progress-bar', {
    'aria-label': 'Profiling progress',
  }) as HTMLElement & { value?: number; max: number };
  private readonly progressText = el('span', {
    className: 'progress-text',
    id: 'progress-text',
    attrs: { role: 'status' },
    text: 'Waiting for the file…',
  });
  private readonly cancelButton = custom('vscode-button', { id: 'cancel', secondary: true }, 'Cancel');
  private readonly restartButton = custom(
    'vscode-button',
    { id: 'restart', secondary: true, hidden: true },
    'Profile again',
  );
  private readonly progressBox = el(
    'div',
    { className: 'progress', id: 'progress' },
    this.progressBar,
    el('div', { className: 'progress-line' }, this.progressText, this.cancelButton, this.restartButton),
  );
  private readonly trainBox = el('section', {
    className: 'train',
    id: 'train',
    attrs: { 'aria-label': 'Train' },
  });
  private readonly columnsBox = el(
    'section',
    { className: 'section', id: 'columns-section', attrs: { 'aria-label': 'Columns' } },
    el('p', { className: 'muted', text: 'Column statistics appear when profiling ends.' }),
  );
  private readonly problemsBox = el('section', {
    className: 'section',
    id: 'problems',
    attrs: { 'aria-label': 'Problems' },
  });
  private readonly grid = new VirtualGrid((start, count) => this.requestRows(start, count));
  private readonly blockRequests = new Map<number, number>();
  private nextRequestId = 1;
  private canOpenInTextEditor = false;
  private fileBytes = 0;
  private target: string | undefined;
  private readonly features = new Set<string>();

  constructor() {
    const root = document.getElementById('app')!;
    root.append(
      el('header', { className: 'header' }, el('div', {}, this.title, this.subtitle), this.facts),
      this.progressBox,
      el(
        'div',
        { className: 'inspector-layout' },
        this.trainBox,
        el(
          'div',
          { className: 'main-column' },
          el('h2', { text: 'Columns' }),
          this.columnsBox,
          el('h2', { text: 'Problems' }),
          this.problemsBox,
        ),
      ),
      el('h2', { text: 'Preview' }),
      this.grid.element,
    );
    this.trainBox.append(
      el('h2', { text: 'Train' }),
      el('p', { className: 'muted', text: 'Target and features can be picked when profiling ends.' }),
    );
    this.problemsBox.append(el('p', { className: 'muted', text: 'None so far.' }));
    this.cancelButton.addEventListener('click', () => postToHost({ type: 'cancel' }));
    this.restartButton.addEventListener('click', () => {
      this.restartButton.hidden = true;
      this.cancelButton.hidden = false;
      document.body.dataset.profile = 'running';
      postToHost({ type: 'restart' });
    });
    document.body.dataset.profile = 'running';
    onHostMessage((message) => this.onMessage(message));
    postToHost({ type: 'ready' });
  }

  private onMessage(message: InspectorHostMessage): void {
    switch (message.type) {
      case 'init': {
        this.canOpenInTextEditor = message.canOpenInTextEditor;
        this.fileBytes = message.fileBytes;
        this.title.textContent = message.path.split('/').pop() ?? message.path;
        this.subtitle.textContent = `${message.path} · ${formatBytes(message.fileBytes)}`;
        return;
      }
      case 'head':
        this.grid.setHeader(message.header);
        this.setFacts([['Delimiter', DELIMITER_NAMES[message.delimiter]]]);
        return;
      case 'progress': {
        this.fileBytes = message.totalBytes || this.fileBytes;
        this.progressBar.max = Math.max(1, this.fileBytes);
        this.progressBar.value = message.bytesRead;
        const percent = this.fileBytes > 0 ? Math.floor((message.bytesRead / this.fileBytes) * 100) : 0;
        this.progressText.textContent = `Profiling… ${percent}% (${formatBytes(message.bytesRead)} of ${formatBytes(this.fileBytes)}), ${formatCount(message.rowsIndexed)} rows so far. The preview below is usable now.`;
        this.grid.setRowCount(message.rowsIndexed);
        return;
      }
      case 'profile':
        this.showProfile(message.profile, message.elapsedMs);
        this.grid.setRowCount(message.rowsIndexed);
        return;
      case 'profileFailed':
        this.endProgress(`Profiling stopped: ${message.message}`);
        this.showProblems([{ line: message.line, message: message.message }]);
        this.grid.setRowCount(message.rowsIndexed);
        document.body.dataset.profile = 'failed';
        return;
      case 'profileCancelled':
        this.endProgress(
          `Profiling cancelled after ${formatBytes(message.bytesRead)}; the preview shows the ${formatCount(message.rowsIndexed)} rows read so far.`,
        );
        this.grid.setRowCount(message.rowsIndexed);
        document.body.dataset.profile = 'cancelled';
        return;
      case 'rows':
        if (message.note) this.progressText.textContent = `Preview: ${message.note}`;
        this.blockRequests.delete(message.inReplyTo);
        this.grid.receiveBlock(message.start, message.rows);
        document.body.dataset.previewRows = String(this.grid.renderedRows);
        return;
      default:
        assertNever(message);
    }
  }

  private requestRows(start: number, count: number): void {
    if (count <= 0) return;
    const requestId = this.nextRequestId++;
    this.blockRequests.set(requestId, start);
    postToHost({ type: 'requestRows', requestId, start, count });
  }

  private endProgress(text: string): void {
    this.progressBar.hidden = true;
    this.progressText.textContent = text;
    this.cancelButton.hidden = true;
    this.restartButton.hidden = false;
  }

  private setFacts(facts: [string, string][]): void {
    this.facts.replaceChildren(
      ...facts.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]),
    );
  }

  private showProfile(profile: CsvProfile, elapsedMs: number): void {
    const d = profile.dialect;
    this.setFacts([
      ['Rows', profile.rows.toLocaleString()],
      ['Columns', String(profile.columns.length)],
      ['Delimiter', DELIMITER_NAMES[d.delimiter]],
      ['Header', d.header ? 'yes' : 'no'],
      ['Line endings', LINE_ENDING_NAMES[d.lineEnding]],
      ['Encoding', d.bom ? 'UTF-8 with BOM' : 'UTF-8'],
    ]);
    this.progressBar.hidden = true;
    this.cancelButton.hidden = true;
    this.restartButton.hidden = true;
    const seconds = elapsedMs / 1000;
    const rate = seconds > 0 ? ` (${formatBytes(profile.bytes / seconds)}/s)` : '';
    this.progressText.textContent = `Profiled ${formatBytes(profile.bytes)} in ${seconds.toFixed(seconds < 10 ? 2 : 1)} s${rate}${profile.skippedRows ? `; ${profile.skippedRows.toLocaleString()} malformed rows left out of the statistics` : ''}.`;
    this.columnsBox.replaceChildren(
      el('div', { className: 'table-scroll' }, buildColumnTable(profile.columns, profile.rows)),
    );
    this.showProblems(profile.problems);
    this.showTrainControls(profile.columns);
    document.body.dataset.profile = 'done';
  }

  private showProblems(problems: { line?: number; message: string }[]): void {
    if (problems.length === 0) {
      this.problemsBox.replaceChildren(el('p', { className: 'muted', text: 'No problems found.' }));
      return;
    }
    const list = el('ul', { className: 'problems' });
    for (const problem of problems) {
      const item = el('li');
      if (problem.line !== undefined && this.canOpenInTextEditor) {
        const line = problem.line;
        const link = el('a', {
          className: 'problem-line',
          text: `Line ${line}`,
          attrs: { href: '#', title: 'Open the file at this line' },
        });
        link.addEventListener('click', (event) => {
          event.preventDefault();
          postToHost({ type: 'openLine', line });
        });
        item.append(link);
      } else if (problem.line !== undefined) {
        item.append(
          el('span', {
            className: 'problem-line',
            text: `Line ${problem.line}`,
            attrs: { title: 'The file is too large for the text editor' },
          }),
        );
      }
      item.append(el('span', { className: 'problem-message', text: problem.message }));
      list.append(item);
    }
    this.problemsBox.replaceChildren(list);
  }

  private showTrainControls(columns: ColumnProfile[]): void {
    const usable = columns.filter((c) => USABLE_TYPES.has(c.type));
    this.trainBox.replaceChildren(el('h2', { text: 'Train' }));
    if (usable.length < 2) {
      this.trainBox.append(
        el('p', {
          className: 'muted',
          text: 'Training needs at least two numeric, boolean or category columns.',
        }),
      );
      return;
    }
    // Same suggestion as the Train commands: the last numeric column is the target, the other numeric columns the features.
    const numeric = usable.filter((c) => NUMERIC_TYPES.has(c.type));
    this.target = (numeric[numeric.length - 1] ?? usable[usable.length - 1]).name;
    const targetSelect = custom('vscode-single-select', {
      id: 'target',
      'aria-label': 'Target column',
    }) as HTMLElement & { value: string };
    usable.forEach((c, i) => {
      const option = custom('vscode-option', { value: String(i) }, `${c.name} (${c.type})`);
      if (c.name === this.target) option.setAttribute('selected', '');
      targetSelect.append(option);
    });
    const featureList = el('div', {
      className: 'feature-list',
      id: 'features',
      attrs: { role: 'group', 'aria-label': 'Features' },
    });
    const batchButton = custom('vscode-button', { id: 'train-batch' }, 'Train (batch)');
    const onlineButton = custom('vscode-button', { id: 'train-online', secondary: true }, 'Train (online)');
    const hint = el('p', { className: 'muted train-hint' });
    const renderFeatures = () => {
      featureList.replaceChildren();
      for (const column of usable) {
        if (column.name === this.target) continue;
        const box = custom(
          'vscode-checkbox',
          { checked: this.features.has(column.name) },
          column.name,
        ) as HTMLElement & { checked: boolean };
        box.addEventListener('change', () => {
          if (box.checked) this.features.add(column.name);
          else this.features.delete(column.name);
          updateButtons();
        });
        featureList.append(box);
      }
      updateButtons();
    };
    const updateButtons = () => {
      const ready = this.target !== undefined && this.features.size > 0;
      for (const button of [batchButton, onlineButton]) button.toggleAttribute('disabled', !ready);
      hint.textContent = ready
        ? `Predict ${this.target} from ${this.features.size} feature${this.features.size === 1 ? '' : 's'}.`
        : 'Pick at least one feature.';
    };
    const suggestFeatures = () => {
      this.features.clear();
      for (const c of numeric) if (c.name !== this.target) this.features.add(c.name);
    };
    targetSelect.addEventListener('change', () => {
      this.target = usable[Number(targetSelect.value)]?.name;
      suggestFeatures();
      renderFeatures();
    });
    const train = (mode: 'batch' | 'online') => {
      if (!this.target || this.features.size === 0) return;
      postToHost({
        type: 'train',
        mode,
        target: this.target,
        features: usable.filter((c) => this.features.has(c.name)).map((c) => c.name),
      });
    };
    batchButton.addEventListener('click', () => train('batch'));
    onlineButton.addEventListener('click', () => train('online'));
    suggestFeatures();
    renderFeatures();
    this.trainBox.append(
      el(
        'div',
        { className: 'field' },
        custom('vscode-label', { for: 'target' }, 'Target (what to predict)'),
        targetSelect,
      ),
      el('div', { className: 'field' }, custom('vscode-label', {}, 'Features'), featureList),
      el('div', { className: 'buttons' }, batchButton, onlineButton),
      hint,
    );
  }
}

new InspectorApp();
