// Small checks shared by the suite reader, the JSON Schema validator and the tool-call reader.

/** A JSON object (not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** "<where>: unknown field …" for each key of `record` that `allowed` does not name. */
export function unknownFields(record: Record<string, unknown>, allowed: ReadonlySet<string> | readonly string[], where: string): string[] {
  const known = new Set(allowed);
  return Object.keys(record)
    .filter((key) => !known.has(key))
    .map((key) => `${where}: unknown field "${key}"`);
}
