// Shared helpers for the CSV tests (not a test file itself).
export const encoder = new TextEncoder();

/** The bytes cut at the given offsets (sorted, deduplicated), as a sync chunk source. */
export function cutAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const cuts = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const cut of cuts) {
    chunks.push(bytes.slice(previous, cut));
    previous = cut;
  }
  chunks.push(bytes.slice(previous));
  return chunks;
}

/** An async source that yields the chunks through ONE reused buffer, like fileChunks does. */
export async function* reusedBufferSource(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(Math.max(1, ...chunks.map((c) => c.length)));
  for (const chunk of chunks) {
    block.set(chunk);
    yield block.subarray(0, chunk.length);
    block.fill(0x21); // scribble: a consumer that kept the old chunk would read garbage
  }
}

/** RFC 4180 serialisation: quote a field when it holds a delimiter, quote, CR or LF (or is empty in a one-field row). */
export function serializeCsv(rows: string[][], delimiter = ',', lineEnding = '\n'): string {
  return rows
    .map((row) =>
      row
        .map((field) =>
          field.includes(delimiter) || /["\r\n]/.test(field) || (row.length === 1 && field === '')
            ? `"${field.replaceAll('"', '""')}"`
            : field,
        )
        .join(delimiter),
    )
    .join(lineEnding);
}
