// A small JSON-Schema subset: enough to say what an extraction answer must look like, and small
// enough to read in one sitting. Keywords: type, required, properties, additionalProperties
// (false only), enum, pattern (never one that can backtrack for ever: safe-pattern.ts), minimum/maximum, minLength/maxLength, items, minItems/maxItems.
import { PATTERN_MAX_INPUT, catastrophicPatternProblem } from './safe-pattern';
import { showValue, valuesEqual } from './value-equality';
import { isRecord } from './json-records';

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface JsonSchema {
  type?: JsonType | JsonType[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: false;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
}

const JSON_TYPES: readonly JsonType[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

/** The type name a value has in JSON Schema's terms ("integer" only when asked about integers). */
function typeOf(value: unknown): JsonType | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'object':
      return 'object';
    default:
      return 'other';
  }
}

function hasType(value: unknown, type: JsonType): boolean {
  if (type === 'integer') return typeof value === 'number' && Number.isInteger(value);
  return typeOf(value) === type;
}

function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Every way `value` breaks `schema`, each as "<path>: <what is wrong>" with `$` for the root.
 * An empty list means it conforms. `schema` must have passed `schemaProblems`.
 */
export function validateJson(value: unknown, schema: JsonSchema, path = '$'): string[] {
  const problems: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => hasType(value, t))) {
      const found = typeOf(value) === 'number' && types.includes('integer') ? `number ${value}` : typeOf(value);
      return [`${path}: expected ${types.join(' or ')}, found ${found}`];
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((allowed) => valuesEqual(allowed, value))) {
    problems.push(`${path}: ${showValue(value)} is not one of ${schema.enum.map((v) => showValue(v)).join(', ')}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern !== undefined) {
      if (value.length > PATTERN_MAX_INPUT) {
        problems.push(`${path}: ${value.length} characters, too long to check against the pattern (at most ${PATTERN_MAX_INPUT})`);
      } else if (catastrophicPatternProblem(schema.pattern) !== null || !new RegExp(schema.pattern, 'u').test(value)) {
        problems.push(`${path}: ${showValue(value)} does not match the pattern /${schema.pattern}/`);
      }
    }
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) problems.push(`${path}: shorter than ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && length > schema.maxLength) problems.push(`${path}: longer than ${schema.maxLength} characters`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path}: ${value} is below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path}: ${value} is above the maximum ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      problems.push(`${path}: ${value.length} item(s), at least ${schema.minItems} required`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      problems.push(`${path}: ${value.length} items, at most ${schema.maxItems} allowed`);
    }
    if (schema.items) value.forEach((item, i) => problems.push(...validateJson(item, schema.items!, at(path, i))));
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(record, key)) problems.push(`${path}: missing required property "${key}"`);
    }
    const properties = schema.properties ?? {};
    for (const [key, child] of Object.entries(properties)) {
      if (Object.hasOwn(record, key)) problems.push(...validateJson(record[key], child, at(path, key)));
    }
    if (schema.additionalProperties === false) {
      for (const key of Object.keys(record)) {
        if (!Object.hasOwn(properties, key)) problems.push(`${path}: property "${key}" is not allowed`);
      }
    }
  }
  return problems;
}

const KEYWORDS = new Set<string>([
  'type',
  'required',
  'properties',
  'additionalProperties',
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'items',
  'minItems',
  'maxItems',
  // Annotations, allowed and ignored.
  'description',
  'title',
  '$schema',
]);

const isCount = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * What is wrong with a schema as this validator reads it (unknown keywords, wrong keyword types,
 * patterns that don't compile), each as "<where>: <problem>". Empty when it is usable.
 */
export function schemaProblems(schema: unknown, where = 'schema'): string[] {
  if (!isRecord(schema)) return [`${where} must be an object`];
  const problems: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!KEYWORDS.has(key)) problems.push(`${where}: "${key}" is not a supported keyword (supported: ${[...KEYWORDS].slice(0, 13).join(', ')})`);
  }
  const { type, required, properties, additionalProperties, pattern, items } = schema;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (types.length === 0 || !types.every((t) => JSON_TYPES.includes(t as JsonType))) {
      problems.push(`${where}.type must be one of ${JSON_TYPES.join(', ')} (or a list of them)`);
    }
  }
  if (required !== undefined && !(Array.isArray(required) && required.every((r) => typeof r === 'string'))) {
    problems.push(`${where}.required must be a list of property names`);
  }
  if (properties !== undefined) {
    if (!isRecord(properties)) problems.push(`${where}.properties must be an object`);
    else for (const [key, child] of Object.entries(properties)) problems.push(...schemaProblems(child, `${where}.properties.${key}`));
  }
  if (additionalProperties !== undefined && additionalProperties !== false) {
    problems.push(`${where}.additionalProperties may only be false`);
  }
  if (schema.enum !== undefined && !(Array.isArray(schema.enum) && schema.enum.length > 0)) {
    problems.push(`${where}.enum must be a non-empty list`);
  }
  if (pattern !== undefined) {
    if (typeof pattern !== 'string') problems.push(`${where}.pattern must be a string`);
    else {
      try {
        new RegExp(pattern, 'u');
        const slow = catastrophicPatternProblem(pattern);
        if (slow) problems.push(`${where}.pattern is refused: ${slow}`);
      } catch (error) {
        problems.push(`${where}.pattern does not compile: ${(error as Error).message}`);
      }
    }
  }
  for (const key of ['minimum', 'maximum'] as const) {
    if (schema[key] !== undefined && typeof schema[key] !== 'number') problems.push(`${where}.${key} must be a number`);
  }
  for (const key of ['minLength', 'maxLength', 'minItems', 'maxItems'] as const) {
    if (schema[key] !== undefined && !isCount(schema[key])) problems.push(`${where}.${key} must be a whole number ≥ 0`);
  }
  if (items !== undefined) problems.push(...schemaProblems(items, `${where}.items`));
  return problems;
}
