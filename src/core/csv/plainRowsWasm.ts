// The plain numeric row loop in WebAssembly (plainRows.wat: why, and what it does). This side
// places the input, the slots and the output in the module's memory, calls it, and copies the rows
// out. Without WebAssembly, `create` returns undefined and the tokenizer keeps its JavaScript loop.
import { alignUp, ensureMemory, instantiate, type WasmMemory } from '../wasm';
import { PLAIN_ROWS_WASM } from './plainRows.generated';

const POWERS_ADDRESS = 64;
const STOPS_ADDRESS = 256;
const SLOTS_ADDRESS = 512;

interface PlainRowsExports {
  memory: WasmMemory;
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
    cats: number,
    catWidth: number,
  ): number;
  pos: { value: number };
  lf: { value: number };
  crlf: { value: number };
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
    const exports = instantiate<PlainRowsExports>(PLAIN_ROWS_WASM);
    if (!exports) return undefined;
    const memory = exports.memory.buffer;
    const powers = new Float64Array(memory, POWERS_ADDRESS, 23);
    for (let exponent = 0; exponent < 23; exponent++) powers[exponent] = Number(`1e${exponent}`);
    new Uint8Array(memory, STOPS_ADDRESS, 256).set(stops);
    return new WasmPlainRows(exports);
  }

  /**
   * Plain rows from `bytes[start … end)` (`end` just past a line feed) into `out`, row `r` at
   * `offset + r * width` (slot `k` of a row at `+ k`), at most `maxRows`; returns the rows read.
   * With category slots (`-2 - k`, see plainRows.wat), row `r`'s category field `k` is
   * `bytes[cats[2 * (r * catWidth + k)] … cats[2 * (r * catWidth + k) + 1])`.
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
    cats?: Int32Array,
    catWidth = 0,
  ): number {
    const length = end - start;
    const input = alignUp(SLOTS_ADDRESS + slots.length * 4, 8);
    const output = alignUp(input + length + 8, 8);
    const catOutput = output + maxRows * width * 8;
    const buffer = ensureMemory(this.wasm.memory, catOutput + maxRows * catWidth * 8);
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
      catOutput,
      catWidth,
    );
    if (rows > 0) out.set(new Float64Array(buffer, output, rows * width), offset);
    if (rows > 0 && cats && catWidth > 0) {
      // Addresses in this memory → indexes into `bytes`.
      const addresses = new Int32Array(buffer, catOutput, rows * catWidth * 2);
      const shift = start - input;
      for (let i = 0; i < addresses.length; i++) cats[i] = addresses[i] + shift;
    }
    this.position = start + (this.wasm.pos.value - input);
    this.lineFeeds = this.wasm.lf.value;
    this.crlfs = this.wasm.crlf.value;
    return rows;
  }
}
