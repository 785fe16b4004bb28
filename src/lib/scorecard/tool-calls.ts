// Reading tool calls out of a model's answer. Qwen3's chat template (like Hermes-style ones) asks
// for each call as <tool_call>{"name": …, "arguments": {…}}</tool_call>; Qwen3.5's asks for
// <tool_call><function=NAME><parameter=ARG>value</parameter>…</function></tool_call>, one value per
// parameter as text. The text outside the tags is the model talking. GLM-Edge's template defines no
// call format, so there is no other to read.
import type { ToolCall, ToolDefinition } from '../engines/types';
import { isRecord } from './json-records';

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';
const MAX_CALLS = 20;

export type ToolCallsRead =
  | { ok: true; calls: ToolCall[]; /** The answer without its call blocks. */ text: string }
  | { ok: false; problem: string };

function short(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const FUNCTION_OPEN = /^<function=([^>\n]+)>/;
const PARAMETER = /<parameter=([^>\n]+)>\n?([\s\S]*?)\n?<\/parameter>/g;

/**
 * A parameter's text as the value the tool takes. The template writes strings as they are and
 * anything else as JSON, so the tool's schema says which it was: "1042" stays text for a string
 * parameter and becomes 1042 for a number. Without a schema, text that reads as JSON is JSON.
 */
function parameterValue(text: string, schema: unknown): unknown {
  const type = isRecord(schema) ? schema.type : undefined;
  if (type === 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One call in Qwen3.5's XML form, or what is wrong with it. */
function readXmlCall(inner: string, closed: boolean, tools: readonly ToolDefinition[]): ToolCall | string {
  const opened = FUNCTION_OPEN.exec(inner);
  const name = opened?.[1]?.trim() ?? '';
  if (!name) return `the ${OPEN} block has no function name`;
  const end = inner.indexOf('</function>');
  if (end === -1) return closed ? `the ${OPEN} block for ${name} has no </function>` : `the ${OPEN} block is cut off before ${CLOSE}`;
  const properties = tools.find((tool) => tool.function.name === name)?.function.parameters.properties;
  const args: Record<string, unknown> = {};
  for (const [, parameter, text] of inner.slice(opened![0].length, end).matchAll(PARAMETER)) {
    const key = parameter.trim();
    args[key] = parameterValue(text, isRecord(properties) ? properties[key] : undefined);
  }
  return { name, arguments: args };
}

/** One call from the JSON (or, from Qwen3.5, the XML) inside a block, or what is wrong with it. */
function readCall(inner: string, closed: boolean, tools: readonly ToolDefinition[]): ToolCall | string {
  if (inner.startsWith('<function=')) return readXmlCall(inner, closed, tools);
  let value: unknown;
  try {
    value = JSON.parse(inner);
  } catch (error) {
    if (!closed) return `the ${OPEN} block is cut off before ${CLOSE}`;
    return `the ${OPEN} block is not valid JSON ("${short(inner)}": ${(error as Error).message})`;
  }
  if (!isRecord(value)) return `the ${OPEN} block holds ${Array.isArray(value) ? 'a list' : 'a bare value'}, not a {"name", "arguments"} object`;
  if (typeof value.name !== 'string' || value.name.trim() === '') return `the ${OPEN} block has no function "name"`;
  let args: unknown = value.arguments ?? {};
  // Some models write the arguments as a JSON string, as OpenAI's API returns them.
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      return `the arguments of the call to ${value.name} are a string that is not JSON`;
    }
  }
  if (!isRecord(args)) return `the arguments of the call to ${value.name} are not an object`;
  return { name: value.name, arguments: args };
}

/**
 * Every `<tool_call>` block in the answer, in order. A block whose closing tag never came still
 * counts if its call is whole (the answer stopped right after it); a malformed one is an error.
 * `tools` (the definitions offered) type the values of an XML call's parameters.
 */
export function readToolCalls(answer: string, tools: readonly ToolDefinition[] = []): ToolCallsRead {
  const calls: ToolCall[] = [];
  let text = '';
  let from = 0;
  while (calls.length < MAX_CALLS) {
    const start = answer.indexOf(OPEN, from);
    if (start === -1) break;
    text += answer.slice(from, start);
    const end = answer.indexOf(CLOSE, start + OPEN.length);
    const closed = end !== -1;
    const call = readCall(answer.slice(start + OPEN.length, closed ? end : undefined).trim(), closed, tools);
    if (typeof call === 'string') return { ok: false, problem: call };
    calls.push(call);
    from = closed ? end + CLOSE.length : answer.length;
  }
  text += answer.slice(from);
  return { ok: true, calls, text: text.trim() };
}

/** How a call reads in a verdict: `get_order_status({"order_id":"A-1"})`, cut to `max` characters. */
export function showCall(call: ToolCall, max = 80): string {
  const text = `${call.name}(${JSON.stringify(call.arguments)})`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
