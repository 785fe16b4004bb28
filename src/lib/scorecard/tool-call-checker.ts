// Judges a tool call: the function the model chose, its arguments against the tool's JSON schema,
// and the values the task expects. Every verdict names what was wrong (the function, the argument).
import type { ToolCall, ToolDefinition } from '../engines/types';
import type { CheckResult, ToolCallChecker } from './suite-types';
import { readToolCalls } from './tool-calls';
import { validateJson, type JsonSchema } from './json-schema';
import { showValue, valuesEqual } from './value-equality';

const pass = (detail: string): CheckResult => ({ passed: true, detail });
const fail = (detail: string): CheckResult => ({ passed: false, detail });

/**
 * Argument values compare as JSON values, except that text ignores case and surrounding spaces
 * ("usd" is "USD"): which spelling a model picks is not what a tool task tests.
 */
function argumentMatches(found: unknown, expected: unknown): boolean {
  if (typeof found === 'string' && typeof expected === 'string') return found.trim().toLowerCase() === expected.trim().toLowerCase();
  return valuesEqual(found, expected);
}

/** What is wrong with a call the task expected, or null when it is right. */
function callProblem(call: ToolCall, expected: NonNullable<ToolCallChecker['expected']>, tools: readonly ToolDefinition[]): string | null {
  const tool = tools.find((t) => t.function.name === call.name);
  if (!tool) return `called "${call.name}", which is not one of the tools offered (${tools.map((t) => t.function.name).join(', ')})`;
  if (call.name !== expected.name) return `called ${call.name}, expected ${expected.name}`;
  const problems = validateJson(call.arguments, tool.function.parameters as JsonSchema, 'arguments');
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    return `the arguments of ${call.name} break its schema: ${problems.slice(0, 3).join('; ')}${more}`;
  }
  const wrong = Object.entries(expected.arguments).flatMap(([name, value]) => {
    if (!Object.hasOwn(call.arguments, name)) return [`argument "${name}" is missing, expected ${showValue(value)}`];
    const found = call.arguments[name];
    return argumentMatches(found, value) ? [] : [`argument "${name}" is ${showValue(found)}, expected ${showValue(value)}`];
  });
  return wrong.length > 0 ? `called ${call.name}, but ${wrong.join('; ')}` : null;
}

/** The first turn's verdict, with the calls read and the text outside them (what a final check reads). */
export type ToolCallVerdict = CheckResult & { calls: ToolCall[]; text: string };

export function checkToolCall(answer: string, spec: ToolCallChecker, tools: readonly ToolDefinition[]): ToolCallVerdict {
  const read = readToolCalls(answer, tools);
  if (!read.ok) return { ...fail(read.problem), calls: [], text: '' };
  const { calls, text } = read;
  const seen = { calls, text };
  const expected = spec.expected;
  if (expected === null) {
    if (calls.length > 0) return { ...fail(`called ${calls.map((c) => c.name).join(', ')}, but this question needs no tool`), ...seen };
    return { ...pass('answered without calling a tool'), ...seen };
  }
  if (calls.length === 0) return { ...fail(`made no tool call (expected a call to ${expected.name})`), ...seen };
  if (calls.length > 1) {
    return { ...fail(`made ${calls.length} tool calls (${calls.map((c) => c.name).join(', ')}); one call to ${expected.name} was expected`), ...seen };
  }
  const problem = callProblem(calls[0], expected, tools);
  return problem ? { ...fail(problem), ...seen } : { ...pass(`called ${expected.name} with the expected arguments`), ...seen };
}
