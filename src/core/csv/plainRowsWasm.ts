// The plain numeric row loop in WebAssembly (plainRows.wat: why, and what it does). This side
// places the input, the slots and the output in the module's memory, calls it, and copies the rows
// out. Where WebAssembly cannot be compiled (a content security policy without
// 'wasm-unsafe-eval'), `create` returns undefined and the tokenizer keeps its JavaScript loop.
import { PLAIN_ROWS_WASM } from './plainRows.generated';

const POWERS_ADDRESS = 64;
const STOPS_ADDRESS = 256;
const SLOTS_ADDRESS = 512;
const PAGE_BYTES = 65536;

/** The part of the WebAssembly API used here (the core's libraries declare no DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
interface WasmValue {
  value: number;
}

interface PlainRowsExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  rows(
    position: number,
    end: number,
    slots: number,
    fieldTotal: number,
    out: number,
    width: number,
    maxRows: number,
    delimiter: number,
    maxFieldBytes: number,
  ): number;
  pos: WasmValue;
  lf: WasmValue;
  crlf: WasmValue;
}

/** Compiled once per thread: undefined until tried, null where WebAssembly is unavailable. */
let compiled: { api: WasmApi; module: object } | null | undefined;

function compiledModule(): { api: WasmApi; module: object } | undefined {
  if (compiled === undefined) {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      // 1 KB: small enough to compile synchronously anywhere, a browser's main thread included.
      compiled = api ? { api, module: new api.Module(PLAIN_ROWS_WASM) } : null;
    } catch {
      compiled = null;
    }
  }
  return compiled ?? undefined;
}

export class WasmPlainRows {
  /** After `rows`: where the first row not taken starts (an index into the `bytes` given). */
  position = 0;
  /** After `rows`: the LF and CRLF row terminators it passed. */
  lineFeeds = 0;
  crlfs = 0;

  private slotsSeen: Int32Array | undefined;

  private constructor(private readonly wasm: PlainRowsExports) {}

  /** An instance for one tokenizer (its stop bytes), or undefined without WebAssembly. */
  static create(stops: Uint8Array): WasmPlainRows | undefined {
    const wasm = compiledModule();
    if (!wasm) return undefined;
    let exports: PlainRowsExports;
    try {
      exports = new wasm.api.Instance(wasm.module, {}).exports as PlainRowsExports;
    } catch {
      return undefined;
    }
    const engine = new WasmPlainRows(exports);
    const memory = exports.memory.buffer;
    const powers = new Float64Array(memory, POWERS_ADDRESS, 23);
    for (let exponent = 0; exponent < 23; exponent++) powers[exponent] = Number(`1e${exponent}`);
    new Uint8Array(memory, STOPS_ADDRESS, 256).set(stops);
    return engine;
  }

  /**
   * Plain rows from `bytes[start … end)` (`end` just past a line feed) into `out`, row `r` at
   * `offset + r * width` (slot `k` of a row at `+ k`), at most `maxRows`; returns the rows read.
   */
  rows(
    bytes: Uint8Array,
    start: number,
    end: number,
    slots: Int32Array,
    out: Float64Array,
    offset: number,
    width: number,
    maxRows: number,
    delimiter: number,
    maxFieldBytes: number,
  ): number {
    const length = end - start;
    const input = align8(SLOTS_ADDRESS + slots.length * 4);
    const output = align8(input + length + 8);
    const needed = output + maxRows * width * 8;
    const memory = this.wasm.memory;
    if (memory.buffer.byteLength < needed)
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    const buffer = memory.buffer;
    if (this.slotsSeen !== slots) {
      new Int32Array(buffer, SLOTS_ADDRESS, slots.length).set(slots);
      this.slotsSeen = slots;
    }
    new Uint8Array(buffer, input, length).set(bytes.subarray(start, end));
    const rows = this.wasm.rows(
      input,
      input + length,
      SLOTS_ADDRESS,
      slots.length,
      output,
      width,
      maxRows,
      delimiter,
      maxFieldBytes,
    );
    if (rows > 0) out.set(new Float64Array(buffer, output, rows * width), offset);
    this.position = start + (this.wasm.pos.value - input);
    this.lineFeeds = this.wasm.lf.value;
    this.crlfs = this.wasm.crlf.value;
    return rows;
  }
}

function align8(address: number): number {
  return (address + 7) & ~7;
}
