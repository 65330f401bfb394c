// A virtualised preview grid: only the rows in view are in the DOM, fetched from the host in blocks
// (the host seeks to them in the file), so a multi-GB file scrolls like a small one. Browsers cap an
// element's height (≈ 33 M px in Chromium), so beyond MAX_SCROLL_PX the scrollbar maps to rows
// proportionally instead of pixel for pixel.
import { el } from '../dom';

export const ROW_HEIGHT = 22;
const MAX_SCROLL_PX = 8_000_000;
export const BLOCK_ROWS = 100;
/** Blocks kept in memory; the oldest are dropped first. */
const MAX_CACHED_BLOCKS = 40;
const OVERSCAN_ROWS = 4;

export type RequestBlock = (start: number, count: number) => void;

export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly headerRow: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly position: HTMLElement;
  private rowElements: HTMLElement[] = [];
  private header: string[] = [];
  private rowCount = 0;
  private readonly blocks = new Map<number, string[][]>();
  private readonly pending = new Set<number>();
  private renderQueued = false;

  constructor(private readonly requestBlock: RequestBlock) {
    this.headerRow = el('div', { className: 'grid-row grid-header', attrs: { role: 'row' } });
    this.layer = el('div', { className: 'grid-layer', attrs: { role: 'rowgroup' } });
    this.spacer = el('div', { className: 'grid-spacer' }, this.layer);
    this.viewport = el(
      'div',
      { className: 'grid-viewport', attrs: { tabindex: '0', 'aria-label': 'Rows of the file' } },
      this.headerRow,
      this.spacer,
    );
    this.position = el('p', { className: 'grid-position', attrs: { 'aria-live': 'off' } });
    this.element = el(
      'div',
      { className: 'grid', id: 'grid', attrs: { role: 'grid', 'aria-readonly': 'true' } },
      this.viewport,
      this.position,
    );
    this.viewport.addEventListener('scroll', () => this.queueRender(), { passive: true });
    new ResizeObserver(() => this.queueRender()).observe(this.viewport);
  }

  setHeader(header: string[]): void {
    this.header = header;
    this.element.style.setProperty(
      '--grid-columns',
      `var(--rownum-width) repeat(${Math.max(1, header.length)}, minmax(110px, 320px))`,
    );
    this.headerRow.replaceChildren(
      el('span', { className: 'grid-cell grid-rownum', text: '#', attrs: { role: 'columnheader' } }),
      ...header.map((name) =>
        el('span', { className: 'grid-cell', text: name, attrs: { role: 'columnheader', title: name } }),
      ),
    );
    this.rowElements = [];
    this.layer.replaceChildren();
    this.element.setAttribute('aria-colcount', String(header.length + 1));
    this.queueRender();
  }

  /** Rows available so far (grows while the file is indexed). */
  setRowCount(rows: number): void {
    if (rows === this.rowCount) return;
    if (rows < this.rowCount) this.blocks.clear(); // re-indexed from the start
    // The block at the old end may have come back short: fetch it again now that it is longer.
    const lastBlock = Math.floor(Math.max(0, this.rowCount - 1) / BLOCK_ROWS);
    const cached = this.blocks.get(lastBlock);
    if (cached && cached.length < BLOCK_ROWS) this.blocks.delete(lastBlock);
    this.rowCount = rows;
    // Every row is its own CSS grid: the row number column gets a fixed width, the same in all rows.
    this.element.style.setProperty('--rownum-width', `${Math.max(3, String(rows).length) + 2}ch`);
    this.element.setAttribute('aria-rowcount', String(rows + 1));
    this.queueRender();
  }

  receiveBlock(start: number, rows: string[][]): void {
    const block = Math.floor(start / BLOCK_ROWS);
    this.pending.delete(block);
    this.blocks.set(block, rows);
    while (this.blocks.size > MAX_CACHED_BLOCKS)
      this.blocks.delete(this.blocks.keys().next().value as number);
    this.queueRender();
  }

  /** Rows currently shown with their data (the UI test waits on this). */
  get renderedRows(): number {
    return this.rowElements.filter((row) => row.dataset.loaded === 'true' && !row.hidden).length;
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    const viewportHeight = Math.max(this.viewport.clientHeight - ROW_HEIGHT, ROW_HEIGHT);
    const visible = Math.ceil(viewportHeight / ROW_HEIGHT) + OVERSCAN_ROWS;
    const naturalHeight = this.rowCount * ROW_HEIGHT;
    const scaled = naturalHeight > MAX_SCROLL_PX;
    const spacerHeight = scaled ? MAX_SCROLL_PX : naturalHeight;
    this.spacer.style.height = `${spacerHeight}px`;
    const scrollTop = this.viewport.scrollTop;
    let first: number;
    let layerTop: number;
    if (scaled) {
      const fraction = Math.min(1, scrollTop / Math.max(1, spacerHeight - viewportHeight));
      first = Math.round(fraction * Math.max(0, this.rowCount - visible + OVERSCAN_ROWS));
      layerTop = scrollTop;
    } else {
      first = Math.floor(scrollTop / ROW_HEIGHT);
      layerTop = first * ROW_HEIGHT;
    }
    this.layer.style.transform = `translateY(${layerTop}px)`;
    while (this.rowElements.length < visible) {
      const row = el('div', { className: 'grid-row', attrs: { role: 'row' } });
      for (let c = 0; c <= this.header.length; c++)
        row.append(
          el('span', {
            className: c === 0 ? 'grid-cell grid-rownum' : 'grid-cell',
            attrs: { role: c === 0 ? 'rowheader' : 'gridcell' },
          }),
        );
      this.rowElements.push(row);
      this.layer.append(row);
    }
    for (let i = 0; i < this.rowElements.length; i++) {
      const rowElement = this.rowElements[i];
      const rowIndex = first + i;
      if (i >= visible || rowIndex >= this.rowCount) {
        rowElement.hidden = true;
        continue;
      }
      rowElement.hidden = false;
      rowElement.setAttribute('aria-rowindex', String(rowIndex + 2));
      const values = this.rowValues(rowIndex);
      const cells = rowElement.children;
      cells[0].textContent = String(rowIndex + 1);
      rowElement.dataset.loaded = String(values !== undefined);
      for (let c = 1; c < cells.length; c++) {
        const text = values ? (values[c - 1] ?? '') : '';
        const cell = cells[c] as HTMLElement;
        // File content: textContent only, never parsed as HTML.
        if (cell.textContent !== text) {
          cell.textContent = text;
          cell.title = text;
        }
        cell.classList.toggle('grid-missing-field', values !== undefined && values[c - 1] === undefined);
      }
    }
    const last = Math.min(this.rowCount, first + visible - OVERSCAN_ROWS);
    this.position.textContent =
      this.rowCount === 0
        ? 'No rows yet.'
        : `Rows ${(first + 1).toLocaleString()}–${Math.max(first + 1, last).toLocaleString()} of ${this.rowCount.toLocaleString()}`;
    this.element.dataset.rendered = String(this.renderedRows);
  }

  private rowValues(row: number): string[] | undefined {
    const blockIndex = Math.floor(row / BLOCK_ROWS);
    const block = this.blocks.get(blockIndex);
    if (block) {
      // Refresh the block's place in the cache (Map keeps insertion order: the oldest is first).
      this.blocks.delete(blockIndex);
      this.blocks.set(blockIndex, block);
      return block[row - blockIndex * BLOCK_ROWS];
    }
    if (!this.pending.has(blockIndex)) {
      this.pending.add(blockIndex);
      const start = blockIndex * BLOCK_ROWS;
      this.requestBlock(start, Math.min(BLOCK_ROWS, this.rowCount - start));
    }
    return undefined;
  }
}
