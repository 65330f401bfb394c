// Strict number parsing straight from UTF-8 bytes, without building a string per field.
//
// Accepted: optional spaces, optional sign, decimal digits with an optional fraction and exponent
// (`12`, `-0.5`, `.5`, `5.`, `1e-3`, `+2E10`), optional spaces. Rejected (not a number):
// empty, `1,5`, `0x10`, `1_000`, `NaN`, `Infinity`, and anything that overflows to ±Infinity
// (`1e400`): a silently infinite feature would poison training.
// For accepted literals the value is exactly `Number(text)`: small mantissas and exponents take
// the exact fast path (both operands exactly representable, one correctly rounded operation),
// the rest falls back to `Number()` on the ASCII text.

const CH_0 = 0x30;
const CH_9 = 0x39;
const CH_PLUS = 0x2b;
const CH_MINUS = 0x2d;
const CH_DOT = 0x2e;
const CH_E_LOWER = 0x65;
const CH_E_UPPER = 0x45;
const CH_SPACE = 0x20;
const CH_TAB = 0x09;

/** Powers of ten that are exact doubles (10^0 … 10^22), for the exact fast path. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => Number(`1e${exponent}`));
/** Up to 15 significant digits the accumulated mantissa is an exact integer below 2^53. */
const MAX_FAST_SIGNIFICANT_DIGITS = 15;

/**
 * The strict number in `bytes[start..end)`, or NaN when it is not one. A plain function returning
 * a double (no state object), so the column loaders' hot loops inline it.
 */
export function parseNumberBytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  while (start < end && (bytes[start] === CH_SPACE || bytes[start] === CH_TAB)) start++;
  while (end > start && (bytes[end - 1] === CH_SPACE || bytes[end - 1] === CH_TAB)) end--;
  if (start === end) return NaN;

  let i = start;
  let negative = false;
  const first = bytes[i];
  if (first === CH_MINUS || first === CH_PLUS) {
    negative = first === CH_MINUS;
    i++;
  }
  let mantissa = 0;
  let significantDigits = 0;
  let digitCount = 0;
  let c = 0;
  while (i < end && (c = bytes[i]) >= CH_0 && c <= CH_9) {
    if (significantDigits > 0 || c !== CH_0) {
      significantDigits++;
      mantissa = mantissa * 10 + (c - CH_0);
    }
    digitCount++;
    i++;
  }
  let decimalExponent = 0;
  if (i < end && bytes[i] === CH_DOT) {
    i++;
    while (i < end && (c = bytes[i]) >= CH_0 && c <= CH_9) {
      if (significantDigits > 0 || c !== CH_0) {
        significantDigits++;
        mantissa = mantissa * 10 + (c - CH_0);
      }
      decimalExponent--;
      digitCount++;
      i++;
    }
  }
  if (digitCount === 0) return NaN;
  if (i < end && (bytes[i] === CH_E_LOWER || bytes[i] === CH_E_UPPER)) {
    i++;
    let exponentNegative = false;
    if (i < end && (bytes[i] === CH_MINUS || bytes[i] === CH_PLUS)) {
      exponentNegative = bytes[i] === CH_MINUS;
      i++;
    }
    const exponentStart = i;
    let exponent = 0;
    while (i < end && (c = bytes[i]) >= CH_0 && c <= CH_9) {
      // Saturate: beyond this the value is 0 or Infinity anyway, and Number() decides below.
      if (exponent < 100000) exponent = exponent * 10 + (c - CH_0);
      i++;
    }
    if (i === exponentStart) return NaN;
    decimalExponent += exponentNegative ? -exponent : exponent;
  }
  if (i !== end) return NaN;

  if (significantDigits <= MAX_FAST_SIGNIFICANT_DIGITS && decimalExponent >= -22 && decimalExponent <= 22) {
    const magnitude =
      decimalExponent < 0
        ? mantissa / EXACT_POWERS_OF_TEN[-decimalExponent]
        : mantissa * EXACT_POWERS_OF_TEN[decimalExponent];
    return negative ? -magnitude : magnitude;
  }
  const value = Number(asciiText(bytes, start, end));
  return value === Infinity || value === -Infinity ? NaN : value;
}

/**
 * Reusable scanner for type inference: `scan` says whether the bytes are a strict number and leaves
 * the value and its integer / leading-zero flags in its fields, so the hot loop allocates nothing.
 */
export class NumberScanner {
  value = NaN;
  /** Digits only (optional sign), no fraction or exponent, within ±2^53. */
  isInteger = false;
  /** An integer literal with a superfluous leading zero (`007`, `02210`): an identifier, not a quantity. */
  hasLeadingZero = false;

  scan(bytes: Uint8Array, start: number, end: number): boolean {
    const value = parseNumberBytes(bytes, start, end);
    this.value = value;
    this.isInteger = false;
    this.hasLeadingZero = false;
    if (value !== value) return false;
    // Valid number: integer form is digits after an optional sign (spaces around allowed).
    while (bytes[start] === CH_SPACE || bytes[start] === CH_TAB) start++;
    while (bytes[end - 1] === CH_SPACE || bytes[end - 1] === CH_TAB) end--;
    if (bytes[start] === CH_MINUS || bytes[start] === CH_PLUS) start++;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c < CH_0 || c > CH_9) return true;
    }
    this.isInteger = Math.abs(value) <= Number.MAX_SAFE_INTEGER;
    this.hasLeadingZero = end - start > 1 && bytes[start] === CH_0;
    return true;
  }
}

/** The bytes as a string, for bytes already known to be ASCII. */
function asciiText(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

const encoder = new TextEncoder();

/** Parse a strict number from text, with the same rules as `parseNumberBytes`. */
export function parseStrictNumber(text: string): number {
  return parseNumberBytes(encoder.encode(text));
}
