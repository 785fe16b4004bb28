// The suite reader's part for tool tasks (suite version 2): tool definitions in the OpenAI shape
// and the tool-call checker, each problem naming the task, the tool and the field.
import { schemaProblems, validateJson, type JsonSchema } from './json-schema';
import { isRecord, unknownFields } from './json-records';

const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX_TOOLS = 32;


/** Problems with a task's `tools`: a list of `{ type: "function", function: { name, description?, parameters } }`. */
export function toolsProblems(tools: unknown, where: string): string[] {
  if (!Array.isArray(tools) || tools.length === 0) return [`${where} must be a non-empty list of tool definitions`];
  if (tools.length > MAX_TOOLS) return [`${where} has ${tools.length} tools; at most ${MAX_TOOLS} are allowed`];
  const problems: string[] = [];
  const seen = new Set<string>();
  tools.forEach((tool, i) => {
    const at = `${where}[${i}]`;
    if (!isRecord(tool)) return void problems.push(`${at} must be an object like {"type": "function", "function": {…}}`);
    problems.push(...unknownFields(tool, ['type', 'function'], at));
    if (tool.type !== 'function') problems.push(`${at}.type must be "function"`);
    const fn = tool.function;
    if (!isRecord(fn)) return void problems.push(`${at}.function must be an object with "name" and "parameters"`);
    problems.push(...unknownFields(fn, ['name', 'description', 'parameters'], `${at}.function`));
    if (typeof fn.name !== 'string' || !TOOL_NAME.test(fn.name)) {
      problems.push(`${at}.function.name must be 1–64 letters, digits, "_", "." or "-", starting with a letter or "_"`);
    } else if (seen.has(fn.name)) problems.push(`${at}.function.name "${fn.name}" is used by an earlier tool too`);
    else seen.add(fn.name);
    if (fn.description !== undefined && typeof fn.description !== 'string') problems.push(`${at}.function.description must be a string`);
    if (!isRecord(fn.parameters)) problems.push(`${at}.function.parameters must be a JSON schema of the arguments object`);
    else {
      const schema = schemaProblems(fn.parameters, `${at}.function.parameters`);
      problems.push(...schema);
      if (schema.length === 0 && fn.parameters.type !== 'object') problems.push(`${at}.function.parameters.type must be "object"`);
    }
  });
  return problems;
}

/** The parameters schema of the task's tool with that name, when the tools are usable. */
function parametersOf(tools: unknown, name: string): JsonSchema | null | undefined {
  if (!Array.isArray(tools)) return undefined;
  const tool = tools.find((t) => isRecord(t) && isRecord(t.function) && t.function.name === name);
  if (!tool) return null;
  const parameters = (tool.function as Record<string, unknown>).parameters;
  return isRecord(parameters) && schemaProblems(parameters).length === 0 ? (parameters as JsonSchema) : undefined;
}

/** Problems with a tool-call checker's own fields (`final` is read by the caller, like any checker). */
export function toolCheckerProblems(checker: Record<string, unknown>, where: string, tools: unknown): string[] {
  const problems: string[] = [];
  if (tools === undefined) problems.push(`${where} needs the task's "tools" (the functions the model may call)`);
  const { expected, toolResult, final } = checker;
  if (!('expected' in checker)) problems.push(`${where}.expected is required: the call the model should make, or null for none`);
  else if (expected !== null) {
    if (!isRecord(expected)) problems.push(`${where}.expected must be {"name", "arguments"} or null`);
    else {
      problems.push(...unknownFields(expected, ['name', 'arguments'], `${where}.expected`));
      const args = expected.arguments ?? {};
      if (typeof expected.name !== 'string') problems.push(`${where}.expected.name must be the name of one of the task's tools`);
      else if (!isRecord(args)) problems.push(`${where}.expected.arguments must be an object of argument values`);
      else {
        const schema = parametersOf(tools, expected.name);
        if (schema === null) problems.push(`${where}.expected.name "${expected.name}" is not one of the task's tools`);
        else if (schema) problems.push(...expectedArgumentProblems(args, schema, `${where}.expected.arguments`));
      }
    }
  }
  if (toolResult !== undefined) {
    if (typeof toolResult !== 'string') problems.push(`${where}.toolResult must be a string (the tool's reply, often JSON text)`);
    if (expected === null) problems.push(`${where}.toolResult needs an expected call to answer`);
    if (final === undefined) problems.push(`${where}.toolResult needs a "final" checker for the answer that follows it`);
  } else if (final !== undefined && isRecord(expected)) {
    problems.push(`${where}.final needs a "toolResult" to send back after the call`);
  }
  return problems;
}

/** Expected values must be possible: each is a declared argument of the right shape. */
function expectedArgumentProblems(args: Record<string, unknown>, schema: JsonSchema, where: string): string[] {
  return Object.entries(args).flatMap(([name, value]) => {
    const property = schema.properties?.[name];
    if (!property) return schema.additionalProperties === false ? [`${where}.${name} is not an argument of the tool`] : [];
    return validateJson(value, property, `${where}.${name}`);
  });
}
