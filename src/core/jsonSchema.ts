// A tiny JSON-Schema builder that keeps the TypeScript type alongside: each builder returns a schema
// node whose phantom type parameter carries the TS type of the values it matches, so a report's type
// and its JSON Schema come from one source. `validateAgainst` checks untrusted values against such a
// schema: types, enums, ranges, finite numbers, no unknown properties. Used by the run report and the
// comparison report.

export interface JsonSchemaNode {
  readonly type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';
  readonly description?: string;
  readonly const?: string | number | boolean;
  readonly enum?: readonly (string | number)[];
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchemaNode;
  readonly items?: JsonSchemaNode;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly anyOf?: readonly JsonSchemaNode[];
}

/** A schema node; `__type` is never set, it only carries the TS type of matching values. */
export type Schema<T> = JsonSchemaNode & { readonly __type?: T };
export type Infer<S> = S extends { readonly __type?: infer T } ? Exclude<T, undefined> : never;
type Flatten<T> = { [K in keyof T]: T[K] } & {};
type Shape = Record<string, Schema<unknown>>;

export const finite = (extra: Omit<JsonSchemaNode, 'type'> = {}): Schema<number> => ({
  type: 'number',
  ...extra,
});
export const integer = (extra: Omit<JsonSchemaNode, 'type'> = {}): Schema<number> => ({
  type: 'integer',
  ...extra,
});
export const text = (extra: Omit<JsonSchemaNode, 'type'> = {}): Schema<string> => ({
  type: 'string',
  ...extra,
});
export const boolean = (): Schema<boolean> => ({ type: 'boolean' });
export const literal = <T extends string | number>(value: T): Schema<T> => ({ const: value });
export const oneOf = <T extends string>(values: readonly T[], description?: string): Schema<T> => ({
  type: 'string',
  enum: values,
  ...(description ? { description } : {}),
});
export const list = <S extends Schema<unknown>>(items: S, maxItems?: number): Schema<Infer<S>[]> => ({
  type: 'array',
  items,
  ...(maxItems ? { maxItems } : {}),
});
export const record = <S extends Schema<unknown>>(values: S): Schema<Record<string, Infer<S>>> => ({
  type: 'object',
  additionalProperties: values,
});
export const either = <A extends Schema<unknown>, B extends Schema<unknown>>(
  a: A,
  b: B,
): Schema<Infer<A> | Infer<B>> => ({ anyOf: [a, b] });
export function object<R extends Shape, O extends Shape = Record<never, never>>(
  required: R,
  optional?: O,
  description?: string,
): Schema<Flatten<{ [K in keyof R]: Infer<R[K]> } & { [K in keyof O]?: Infer<O[K]> }>> {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties: { ...required, ...(optional ?? {}) },
    required: Object.keys(required),
    additionalProperties: false,
  };
}
export const nothing = (): Schema<null> => ({ type: 'null' });

// ---- Validation ----

const MAX_ERRORS = 50;

/** Errors of `value` against `schema` (empty when valid), each naming the field by its path. */
export function validateAgainst(schema: JsonSchemaNode, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, value, '$', errors);
  return errors;
}

function check(schema: JsonSchemaNode, value: unknown, path: string, errors: string[]): void {
  if (errors.length >= MAX_ERRORS) return;
  if (schema.anyOf) {
    const attempts = schema.anyOf.map((option) => {
      const found: string[] = [];
      check(option, value, path, found);
      return found;
    });
    if (attempts.some((found) => found.length === 0)) return;
    errors.push(...attempts.reduce((a, b) => (b.length < a.length ? b : a)));
    return;
  }
  if (schema.const !== undefined && value !== schema.const)
    errors.push(`${path}: must be ${JSON.stringify(schema.const)}`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${path}: must be an object`);
        return;
      }
      const entries = value as Record<string, unknown>;
      for (const key of schema.required ?? [])
        if (!Object.prototype.hasOwnProperty.call(entries, key)) errors.push(`${path}: missing "${key}"`);
      for (const key of Object.keys(entries)) {
        const property =
          schema.properties && Object.prototype.hasOwnProperty.call(schema.properties, key)
            ? schema.properties[key]
            : undefined;
        const child = `${path}.${key}`;
        if (property) check(property, entries[key], child, errors);
        else if (typeof schema.additionalProperties === 'object')
          check(schema.additionalProperties, entries[key], child, errors);
        else errors.push(`${path}: unknown property "${key}"`);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) {
        errors.push(`${path}: must be an array`);
        return;
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        errors.push(`${path}: more than ${schema.maxItems} items`);
      if (schema.items) value.forEach((item, i) => check(schema.items!, item, `${path}[${i}]`, errors));
      return;
    case 'string':
      if (typeof value !== 'string') errors.push(`${path}: must be a string`);
      else {
        if (schema.enum && !schema.enum.includes(value))
          errors.push(`${path}: must be one of ${schema.enum.join(', ')}`);
        if (schema.minLength !== undefined && value.length < schema.minLength)
          errors.push(`${path}: too short`);
        if (schema.pattern && !new RegExp(schema.pattern).test(value))
          errors.push(`${path}: does not match ${schema.pattern}`);
        if (schema.format === 'date-time' && Number.isNaN(Date.parse(value)))
          errors.push(`${path}: not a date-time`);
      }
      return;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        errors.push(`${path}: must be a finite number`);
        return;
      }
      if (schema.type === 'integer' && !Number.isInteger(value)) errors.push(`${path}: must be an integer`);
      if (schema.minimum !== undefined && value < schema.minimum)
        errors.push(`${path}: must be ≥ ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum)
        errors.push(`${path}: must be ≤ ${schema.maximum}`);
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
        errors.push(`${path}: must be > ${schema.exclusiveMinimum}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${path}: must be a boolean`);
      return;
    case 'null':
      if (value !== null) errors.push(`${path}: must be null`);
      return;
    default:
      return;
  }
}
