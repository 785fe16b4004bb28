// Qwen3.5's chat template writes a tool call as XML (<function=…><parameter=…>), not Qwen3's JSON
// line. The scorecard reads what the real template writes: a call rendered by it reads back as the
// same call, with each value typed by the tool's schema.
import { describe, expect, it } from 'vitest';
import { Template } from '@huggingface/jinja';
import { QWEN35_CHAT_TEMPLATE } from '../fixtures/tiny-qwen35-template';
import { readToolCalls } from '../../src/lib/scorecard/tool-calls';
import { checkToolCall } from '../../src/lib/scorecard/tool-call-checker';
import type { ToolDefinition } from '../../src/lib/engines/types';

const TOOLS: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'create_refund',
      parameters: {
        type: 'object',
        required: ['order_id', 'amount', 'reason'],
        properties: { order_id: { type: 'string' }, amount: { type: 'number' }, reason: { type: 'string' }, notify: { type: 'boolean' }, lines: { type: 'array' } },
      },
    },
  },
];

/** The assistant turn exactly as Qwen3.5's template renders a call. */
function renderedCall(args: Record<string, unknown>): string {
  const text = new Template(QWEN35_CHAT_TEMPLATE).render({
    messages: [
      { role: 'user', content: 'Refund order 1042.' },
      { role: 'assistant', content: '', tool_calls: [{ type: 'function', function: { name: 'create_refund', arguments: args } }] },
    ],
    tools: TOOLS,
    add_generation_prompt: false,
  });
  const start = text.lastIndexOf('<|im_start|>assistant\n') + '<|im_start|>assistant\n'.length;
  return text.slice(start, text.indexOf('<|im_end|>', start));
}

describe("Qwen3.5's XML tool calls", () => {
  it('read back as the call the template wrote, values typed by the schema', () => {
    const args = { order_id: '1042', amount: 49.99, reason: 'damaged', notify: true, lines: [1, 2] };
    const answer = renderedCall(args);
    expect(answer).toContain('<function=create_refund>');
    expect(answer).toContain('<parameter=order_id>\n1042\n</parameter>');
    const read = readToolCalls(answer, TOOLS);
    expect(read).toEqual({ ok: true, calls: [{ name: 'create_refund', arguments: args }], text: expect.any(String) });
  });

  it('without the tool definitions, text that reads as JSON becomes JSON', () => {
    expect(readToolCalls(renderedCall({ order_id: 'A-1', amount: 5 }))).toMatchObject({ ok: true, calls: [{ arguments: { order_id: 'A-1', amount: 5 } }] });
  });

  it('is judged by the same checker, naming a wrong value', () => {
    const spec = { kind: 'tool-call' as const, expected: { name: 'create_refund', arguments: { order_id: '1042', amount: 49.99 } } };
    expect(checkToolCall(renderedCall({ order_id: '1042', amount: 49.99, reason: 'late' }), spec, TOOLS)).toMatchObject({ passed: true });
    expect(checkToolCall(renderedCall({ order_id: '1024', amount: 49.99, reason: 'late' }), spec, TOOLS)).toMatchObject({
      passed: false,
      detail: 'called create_refund, but argument "order_id" is "1024", expected "1042"',
    });
  });

  it('names a block it cannot read', () => {
    expect(readToolCalls('<tool_call>\n<function=>\n</function>\n</tool_call>')).toEqual({ ok: false, problem: 'the <tool_call> block has no function name' });
    expect(readToolCalls('<tool_call>\n<function=f>\n<parameter=x>\n1\n</parameter>\n</tool_call>')).toEqual({ ok: false, problem: 'the <tool_call> block for f has no </function>' });
    expect(readToolCalls('<tool_call>\n<function=f>\n<parameter=x>\n1')).toEqual({ ok: false, problem: 'the <tool_call> block is cut off before </tool_call>' });
  });
});
