// WebAssembly, where the platform allows it: the core's own small modules (plainRows.wat,
// gram.wat), compiled once per thread. Where WebAssembly cannot be compiled (a content security
// policy without 'wasm-unsafe-eval', or none at all) `instantiate` returns undefined and the
// callers keep their JavaScript loops, which are the reference their tests compare against.

/** The part of the WebAssembly API used here (the core's libraries declare no DOM or Node types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** A module's memory, as its exports show it. */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

export const WASM_PAGE_BYTES = 65536;

const compiled = new Map<Uint8Array, object | null>();

/** A new instance of the module `bytes` (compiled at the first call), or undefined. */
export function instantiate<Exports>(bytes: Uint8Array): Exports | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return undefined;
  let module = compiled.get(bytes);
  if (module === undefined) {
    try {
      // A few hundred bytes: small enough to compile synchronously anywhere, a browser's main
      // thread included.
      module = new api.Module(bytes);
    } catch {
      module = null;
    }
    compiled.set(bytes, module);
  }
  if (module === null) return undefined;
  try {
    return new api.Instance(module, {}).exports as Exports;
  } catch {
    return undefined;
  }
}

/** Grows `memory` to at least `bytes`; returns its (possibly new) buffer. */
export function ensureMemory(memory: WasmMemory, bytes: number): ArrayBuffer {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
  return memory.buffer;
}

/** `address` rounded up to a multiple of `alignment` (a power of two). */
export function alignUp(address: number, alignment: number): number {
  return (address + alignment - 1) & -alignment;
}
