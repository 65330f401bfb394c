// The per-column profile table: type, missing, distinct, min, max, mean, std, and a distribution
// (histogram bars for numbers, top categories otherwise). Bars are plain elements sized through
// CSSOM and coloured by theme variables in inspector.css, so they follow theme changes.
import type { ColumnProfile } from '../../src/core/csv/types';
import { el, formatCount, formatNumber } from '../dom';

const TOP_CATEGORIES_SHOWN = 4;

const TYPE_LABELS: Record<ColumnProfile['type'], string> = {
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  category: 'category',
  text: 'text',
  date: 'date',
  empty: 'empty',
};

export function buildColumnTable(columns: ColumnProfile[], rows: number): HTMLTableElement {
  const headings = ['Column', 'Type', 'Missing', 'Distinct', 'Min', 'Max', 'Mean', 'Std', 'Distribution'];
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      ...headings.map((h, i) =>
        el('th', { text: h, className: i >= 2 && i <= 7 ? 'numeric' : undefined, attrs: { scope: 'col' } }),
      ),
    ),
  );
  const body = el('tbody');
  for (const column of columns) {
    const missingShare = rows > 0 ? column.missing / rows : 0;
    const missing = el('td', {
      className: 'numeric',
      text: column.missing === 0 ? '0' : `${formatCount(column.missing)} (${formatShare(missingShare)})`,
    });
    if (column.missing > 0) missing.classList.add('has-missing');
    body.append(
      el(
        'tr',
        { attrs: { 'data-column': column.name } },
        el('th', {
          className: 'column-name',
          text: column.name,
          attrs: { scope: 'row', title: column.name },
        }),
        el('td', {}, el('span', { className: `type type-${column.type}`, text: TYPE_LABELS[column.type] })),
        missing,
        el('td', {
          className: 'numeric',
          text: `${formatCount(column.distinct)}${column.distinctCapped ? '+' : ''}`,
        }),
        el('td', { className: 'numeric', text: formatNumber(column.min) }),
        el('td', { className: 'numeric', text: formatNumber(column.max) }),
        el('td', { className: 'numeric', text: formatNumber(column.mean) }),
        el('td', { className: 'numeric', text: formatNumber(column.std) }),
        el('td', { className: 'distribution' }, distribution(column)),
      ),
    );
  }
  return el('table', { className: 'columns', id: 'columns' }, head, body);
}

function formatShare(share: number): string {
  return share < 0.001 ? '<0.1%' : `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
}

function distribution(column: ColumnProfile): HTMLElement | undefined {
  if (column.histogram && column.histogram.counts.length > 0) return histogram(column.histogram, column);
  if (column.topCategories && column.topCategories.length > 0)
    return topCategories(column.topCategories, column.count);
  return el('span', { className: 'muted', text: column.type === 'empty' ? 'no values' : '—' });
}

/**
 * Fewer, wider bins when there are few values: 64 bins over 100 values read as noise. About two
 * bins per square root of the count (a common rule of thumb), between 8 and the profile's bins.
 */
function coarsen(
  h: NonNullable<ColumnProfile['histogram']>,
  column: ColumnProfile,
): NonNullable<ColumnProfile['histogram']> {
  const total = h.counts.reduce((sum, count) => sum + count, 0);
  let wanted = Math.max(8, Math.round(2 * Math.sqrt(total)));
  // Small integer ranges (rooms, ratings): about one bar per value, not empty bins between them.
  if (
    column.type === 'integer' &&
    column.min !== null &&
    column.max !== null &&
    column.max - column.min + 1 < wanted
  )
    wanted = column.max - column.min + 1;
  const merge = Math.ceil(h.counts.length / wanted);
  if (merge <= 1) return h;
  const counts: number[] = [];
  for (let i = 0; i < h.counts.length; i += merge)
    counts.push(h.counts.slice(i, i + merge).reduce((sum, count) => sum + count, 0));
  const binWidth = (h.max - h.min) / h.counts.length;
  return { min: h.min, max: h.min + counts.length * merge * binWidth, counts };
}

function histogram(
  profileHistogram: NonNullable<ColumnProfile['histogram']>,
  column: ColumnProfile,
): HTMLElement {
  const h = coarsen(profileHistogram, column);
  const peak = Math.max(...h.counts, 1);
  const width = h.counts.length > 0 ? (h.max - h.min) / h.counts.length : 0;
  const bars = el('div', {
    className: 'histogram',
    attrs: { role: 'img', 'aria-label': `Histogram from ${formatNumber(h.min)} to ${formatNumber(h.max)}` },
  });
  h.counts.forEach((count, i) => {
    const bar = el('span', {
      className: 'bar',
      attrs: {
        title: `${formatNumber(h.min + i * width)} – ${formatNumber(h.min + (i + 1) * width)}: ${count.toLocaleString()}`,
      },
    });
    // Zero-count bins stay visible as a hairline, so gaps read as gaps, not as missing drawing.
    bar.style.height = count === 0 ? '1px' : `${Math.max(4, (count / peak) * 100)}%`;
    bars.append(bar);
  });
  // The axis names the data's own extremes; the bins' edges reach a little beyond them.
  const axis = el(
    'div',
    { className: 'histogram-axis' },
    el('span', { text: formatNumber(column.min ?? h.min) }),
    el('span', { text: formatNumber(column.max ?? h.max) }),
  );
  return el('div', { className: 'histogram-box' }, bars, axis);
}

function topCategories(categories: { value: string; count: number }[], total: number): HTMLElement {
  const list = el('ol', { className: 'categories' });
  const peak = Math.max(...categories.map((c) => c.count), 1);
  for (const category of categories.slice(0, TOP_CATEGORIES_SHOWN)) {
    const bar = el('span', { className: 'category-bar' });
    bar.style.width = `${(category.count / peak) * 100}%`;
    list.append(
      el(
        'li',
        { attrs: { title: `${category.value}: ${category.count.toLocaleString()}` } },
        el('span', { className: 'category-track' }, bar),
        el('span', { className: 'category-label', text: category.value === '' ? '(empty)' : category.value }),
        el('span', {
          className: 'category-count',
          text: total > 0 ? formatShare(category.count / total) : '',
        }),
      ),
    );
  }
  if (categories.length > TOP_CATEGORIES_SHOWN)
    list.append(
      el('li', {
        className: 'muted',
        text: `+ ${categories.length - TOP_CATEGORIES_SHOWN} more in the top ${categories.length}`,
      }),
    );
  return list;
}
