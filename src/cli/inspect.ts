// `csv-trainer inspect FILE [--json]`: the column profile of a CSV, as a table or as JSON.
import { isAbsolute, resolve } from 'node:path';
import { profileCsv } from '../core/csv/index';
import { ColumnProfile, CsvError, CsvProfile } from '../core/csv/types';
import { fileChunksSync, fileSize } from '../node/fileSource';
import { CliIo, EXIT_OK, UsageError } from './io';
import { helpHint } from './train';

export const INSPECT_USAGE = 'usage: csv-trainer inspect FILE [--json]';

export async function runInspect(args: string[], io: CliIo): Promise<number> {
  let json = false;
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '--json') json = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}"; ${helpHint(INSPECT_USAGE)}`);
    else files.push(arg);
  }
  if (files.length !== 1)
    throw new UsageError(
      files.length === 0
        ? `missing FILE; ${helpHint(INSPECT_USAGE)}`
        : `one FILE only (got ${files.join(', ')})`,
    );
  const file = files[0];
  const path = isAbsolute(file) ? file : resolve(io.cwd, file);

  let progress: ReturnType<typeof progressReporter> | undefined;
  let profile: CsvProfile;
  try {
    const totalBytes = await fileSize(path);
    progress = io.stderrIsTTY ? progressReporter(io, totalBytes) : undefined;
    profile = await profileCsv(fileChunksSync(path), { totalBytes, onProgress: progress?.update });
  } catch (error) {
    // The core knows lines, not file names: name the file, as the user typed it.
    if (error instanceof CsvError) {
      const message = error.code === 'io' ? error.message.replace(path, file) : `${file}: ${error.message}`;
      throw new CsvError(error.code, message, error.line, error.column);
    }
    throw error;
  } finally {
    progress?.done();
  }

  io.stdout(json ? JSON.stringify(profileJson(profile), null, 2) + '\n' : profileTable(file, profile));
  return EXIT_OK;
}

/** The documented JSON shape first (`rows, delimiter, columns[name..std]`), extras after. */
function profileJson(profile: CsvProfile): unknown {
  return {
    rows: profile.rows,
    delimiter: profile.dialect.delimiter,
    columns: profile.columns.map((column) => ({
      name: column.name,
      type: column.type,
      missing: column.missing,
      distinct: column.distinct,
      min: column.min,
      max: column.max,
      mean: column.mean,
      std: column.std,
      count: column.count,
      distinctCapped: column.distinctCapped,
      ...(column.histogram ? { histogram: column.histogram } : {}),
      ...(column.topCategories ? { topCategories: column.topCategories } : {}),
    })),
    lineEnding: profile.dialect.lineEnding,
    bom: profile.dialect.bom,
    bytes: profile.bytes,
    skippedRows: profile.skippedRows,
    problems: profile.problems,
  };
}

function profileTable(file: string, profile: CsvProfile): string {
  const { dialect } = profile;
  const delimiterName = dialect.delimiter === '\t' ? 'tab' : `'${dialect.delimiter}'`;
  const lines = [
    `${file}: ${profile.rows} rows, ${profile.columns.length} columns, delimiter ${delimiterName}, line ending ${dialect.lineEnding}${dialect.bom ? ', UTF-8 BOM' : ''}`,
  ];
  const head = ['column', 'type', 'missing', 'distinct', 'min', 'max', 'mean', 'std'];
  const body = profile.columns.map((column) => [
    column.name,
    column.type,
    String(column.missing),
    `${column.distinct}${column.distinctCapped ? '+' : ''}`,
    formatNumber(column.min),
    formatNumber(column.max),
    formatNumber(column.mean),
    formatNumber(column.std),
  ]);
  const widths = head.map((title, k) => Math.max(title.length, ...body.map((row) => row[k].length)));
  const numericColumn = (k: number) => k >= 2;
  const render = (cells: string[]) =>
    cells
      .map((cell, k) => (numericColumn(k) ? cell.padStart(widths[k]) : cell.padEnd(widths[k])))
      .join('  ')
      .trimEnd();
  lines.push(render(head), widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of body) lines.push(render(row));
  const categories = profile.columns.filter(
    (column) => column.topCategories && column.topCategories.length > 0,
  );
  for (const column of categories) lines.push(`top ${column.name}: ${topCategoriesText(column)}`);
  if (profile.skippedRows > 0) lines.push(`skipped ${profile.skippedRows} malformed rows`);
  for (const problem of profile.problems) lines.push(`note: line ${problem.line}: ${problem.message}`);
  return lines.join('\n') + '\n';
}

function topCategoriesText(column: ColumnProfile): string {
  return column
    .topCategories!.slice(0, 5)
    .map(({ value, count }) => `${JSON.stringify(value)} ×${count}`)
    .join(', ');
}

function formatNumber(value: number | null): string {
  if (value === null) return '';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return Number(value.toPrecision(6)).toString();
}

function progressReporter(io: CliIo, totalBytes: number): { update(bytesRead: number): void; done(): void } {
  let lastShown = 0;
  let shown = false;
  return {
    update(bytesRead: number) {
      const now = Date.now();
      if (now - lastShown < 200 || totalBytes === 0) return;
      lastShown = now;
      shown = true;
      io.stderr(`\rinspecting… ${Math.min(100, Math.floor((bytesRead / totalBytes) * 100))}%`);
    },
    done() {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}
