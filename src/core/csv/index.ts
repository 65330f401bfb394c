// The CSV layer: parse, profile and load CSV files from bytes, platform-free.
export * from './types';
export { parseCsv, readCsvRecords, CsvRowView } from './parse';
export type { ParseSummary } from './parse';
export { profileCsv, DISTINCT_CAP, isValidIsoDate } from './profile';
export { loadColumns, readRowChunks, DEFAULT_CHUNK_ROWS } from './load';
export { parseNumberBytes, parseStrictNumber, NumberScanner } from './numbers';
export { detectDelimiter, MAX_PROBLEMS } from './reader';
export { DEFAULT_MAX_FIELD_BYTES } from './tokenizer';
