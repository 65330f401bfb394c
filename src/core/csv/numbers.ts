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
 * Reusable scanner: `scan` returns whether the bytes are a strict number and leaves the details in
 * its fields, so the hot loops allocate nothing.
 */
export class NumberScanner {
  value = NaN;
  /** Digits only (optional sign), no fraction or exponent, within ±2^53. */
  isInteger = false;
  /** An integer literal with a superfluous leading zero (`007`, `02210`): an identifier, not a quantity. */
  hasLeadingZero = false;

  scan(bytes: Uint8Array, start: number, end: number): boolean {
    while (start < end && (bytes[start] === CH_SPACE || bytes[start] === CH_TAB)) start++;
    while (end > start && (bytes[end - 1] === CH_SPACE || bytes[end - 1] === CH_TAB)) end--;
    this.value = NaN;
    this.isInteger = false;
    this.hasLeadingZero = false;
    if (start === end) return false;

    let i = start;
    let negative = false;
    const first = bytes[i];
    if (first === CH_MINUS || first === CH_PLUS) {
      negative = first === CH_MINUS;
      i++;
    }
    const integerStart = i;
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
    const integerDigits = digitCount;
    let decimalExponent = 0;
    let sawDotOrExponent = false;
    if (i < end && bytes[i] === CH_DOT) {
      sawDotOrExponent = true;
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
    if (digitCount === 0) return false;
    if (i < end && (bytes[i] === CH_E_LOWER || bytes[i] === CH_E_UPPER)) {
      sawDotOrExponent = true;
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
      if (i === exponentStart) return false;
      decimalExponent += exponentNegative ? -exponent : exponent;
    }
    if (i !== end) return false;

    let value: number;
    if (significantDigits <= MAX_FAST_SIGNIFICANT_DIGITS && decimalExponent >= -22 && decimalExponent <= 22) {
      value = decimalExponent < 0 ? mantissa / EXACT_POWERS_OF_TEN[-decimalExponent] : mantissa * EXACT_POWERS_OF_TEN[decimalExponent];
      if (negative) value = -value;
    } else {
      value = Number(asciiText(bytes, start, end));
      if (value !== value || value === Infinity || value === -Infinity) return false;
    }
    this.value = value;
    if (!sawDotOrExponent) {
      this.isInteger = Math.abs(value) <= Number.MAX_SAFE_INTEGER;
      this.hasLeadingZero = integerDigits > 1 && bytes[integerStart] === CH_0;
    }
    return true;
  }
}

/** The bytes as a string, for bytes already known to be ASCII. */
function asciiText(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

const sharedScanner = new NumberScanner();

/** Parse a strict number from bytes; NaN when the bytes are not one (see the rules above). */
export function parseNumberBytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return sharedScanner.scan(bytes, start, end) ? sharedScanner.value : NaN;
}

const encoder = new TextEncoder();

/** Parse a strict number from text, with the same rules as `parseNumberBytes`. */
export function parseStrictNumber(text: string): number {
  return parseNumberBytes(encoder.encode(text));
}
