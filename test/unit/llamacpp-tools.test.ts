// Tool calls through llama.cpp: a template that never reads `tools` is refused (llama.cpp would
// otherwise write its own generic tool prompt), and a Qwen3 tool call streamed by llama.cpp as the
// model's own text reads back as the call, thinking and all.
import { describe, expect, it } from 'vitest';
import { templateTakesTools } from '../../src/lib/engines/llamacpp/llamacpp-chat-request';
import { LlamaCppAnswerText } from '../../src/lib/engines/llamacpp/llamacpp-answer-text';
import { readToolCalls } from '../../src/lib/scorecard/tool-calls';
import type { ToolDefinition } from '../../src/lib/engines/types';

const TOOLS: ToolDefinition[] = [
  {
    type: 'function',
    function: {
      name: 'get_order_status',
      description: "Look up an order's status.",
      parameters: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' } } },
    },
  },
];

describe('templateTakesTools', () => {
  it("takes Qwen3's template, not GLM-Edge's or none", () => {
    expect(templateTakesTools("{%- if tools %}{{- '<|im_start|>system\\n' }}{%- for tool in tools %}{{ tool | tojson }}{%- endfor %}{%- endif %}")).toBe(true);
    expect(templateTakesTools("[gMASK]<sop>{% for item in messages %}{% if item['role'] == 'user' %}<|user|>\n{{ item['content'] }}{% endif %}{% endfor %}")).toBe(false);
    expect(templateTakesTools(null)).toBe(false);
  });
});

describe("a Qwen3 tool call as llama.cpp streams it", () => {
  // One delta per sampled token, as Qwen3-0.6B's answer comes out of llama.cpp with thinking on.
  const deltas = [
    '<think>', '\n', 'The', ' user', ' wants', ' order', ' A', '-', '104', '2', '.', '\n', '</think>', '\n\n',
    '<tool_call>', '\n', '{"', 'name', '":', ' "', 'get', '_order', '_status', '",', ' "', 'arguments', '":', ' {"', 'order', '_id', '":', ' "', 'A', '-', '104', '2', '"}}', '\n', '</tool_call>',
  ];

  it('reads back as the call, with the thinking apart', () => {
    const answer = new LlamaCppAnswerText();
    const text = deltas.map((content) => answer.add({ content })).join('') + answer.end(false);
    expect(readToolCalls(text, TOOLS)).toEqual({
      ok: true,
      calls: [{ name: 'get_order_status', arguments: { order_id: 'A-1042' } }],
      text: '<think>\nThe user wants order A-1042.\n</think>',
    });
  });

  it('puts reasoning llama.cpp split off back inside <think>, before the call', () => {
    const answer = new LlamaCppAnswerText();
    const text =
      answer.add({ reasoning_content: 'The user wants order A-1042.' }) +
      answer.add({ content: '<tool_call>\n{"name": "get_order_status", "arguments": {"order_id": "A-1042"}}\n</tool_call>' }) +
      answer.end(false);
    expect(text).toBe('<think>The user wants order A-1042.</think><tool_call>\n{"name": "get_order_status", "arguments": {"order_id": "A-1042"}}\n</tool_call>');
    expect(readToolCalls(text, TOOLS)).toMatchObject({ ok: true, calls: [{ name: 'get_order_status', arguments: { order_id: 'A-1042' } }] });
    // Thinking still open when the answer ends is closed, unless Stop cut it.
    const open = new LlamaCppAnswerText();
    open.add({ reasoning_content: 'Hmm' });
    expect(open.end(false)).toBe('</think>');
    expect(open.end(true)).toBe('');
  });
});
