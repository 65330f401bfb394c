// Small combinators to validate untrusted messages: each check returns what is wrong (naming the
// field by its path) or undefined. Shared by the training and the inspector protocols.
/** Returns what is wrong with `value` (naming it by `path`), or undefined when it is fine. */
export type Check = (value: unknown, path: string) => string | undefined;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const str =
  (max = 4096): Check =>
  (v, p) =>
    typeof v === 'string' && v.length <= max
      ? undefined
      : `${p} must be a string of at most ${max} characters`;
export const num =
  (min = -Infinity, max = Infinity): Check =>
  (v, p) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? undefined
      : `${p} must be a finite number in [${min}, ${max}]`;
export const int =
  (min = 0, max = Number.MAX_SAFE_INTEGER): Check =>
  (v, p) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? undefined
      : `${p} must be an integer in [${min}, ${max}]`;
export const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} must be a boolean`);
export const oneOf =
  (...values: readonly string[]): Check =>
  (v, p) =>
    typeof v === 'string' && values.includes(v) ? undefined : `${p} must be one of ${values.join(', ')}`;
export const optional =
  (check: Check): Check =>
  (v, p) =>
    v === undefined ? undefined : check(v, p);
export const arrayOf =
  (check: Check, max = 100_000): Check =>
  (v, p) => {
    if (!Array.isArray(v) || v.length > max) return `${p} must be an array of at most ${max} items`;
    for (let i = 0; i < v.length; i++) {
      const error = check(v[i], `${p}[${i}]`);
      if (error) return error;
    }
    return undefined;
  };
export const shape =
  (fields: Record<string, Check>): Check =>
  (v, p) => {
    if (!isObject(v)) return `${p} must be an object`;
    for (const [key, check] of Object.entries(fields)) {
      const error = check(v[key], `${p}.${key}`);
      if (error) return error;
    }
    return undefined;
  };

/** A message checked against one check per message type: typed, or why it was refused. */
export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

export function parseMessage<T>(checks: Readonly<Record<string, Check>>, value: unknown): Parsed<T> {
  if (!isObject(value) || typeof value.type !== 'string')
    return { ok: false, error: 'message without a type' };
  const check = Object.prototype.hasOwnProperty.call(checks, value.type) ? checks[value.type] : undefined;
  if (!check) return { ok: false, error: `unknown message type "${value.type.slice(0, 40)}"` };
  const error = check(value, value.type);
  return error ? { ok: false, error } : { ok: true, message: value as unknown as T };
}
