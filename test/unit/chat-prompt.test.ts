// The prompt a model sees, rendered by real transformers.js tokenizers with the fixture models'
// templates (Qwen3's, which takes tools, and GLM-Edge's, which has no tool format): tools and a
// call-and-result round trip reach Qwen3 in its own format; GLM-Edge is refused, not silently
// asked without the tools. Also: every built-in tool task fits the tiny e2e models' context.
import { describe, expect, it } from 'vitest';
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { buildFixtureTokenizer, glmEdgeTokenizerSpec, qwen3TokenizerSpec } from '../fixtures/fixture-tokenizer';
import { TINY_DIMS } from '../fixtures/model-repos';
import { tokenizedPrompt, type ChatTemplater } from '../../src/lib/engines/transformers/chat-prompt';
import { ToolsUnsupportedError } from '../../src/lib/engines/errors';
import type { ChatMessage, GenerationParams, ToolDefinition } from '../../src/lib/engines/types';
import { BUILTIN_SUITE } from '../../src/lib/scorecard/builtin-suite';

function tokenizer(spec: ReturnType<typeof qwen3TokenizerSpec>): PreTrainedTokenizer {
  const built = buildFixtureTokenizer(spec);
  return new PreTrainedTokenizer(built.tokenizerJson as never, built.tokenizerConfig as never);
}

const qwen3 = tokenizer(qwen3TokenizerSpec());
const glm = tokenizer(glmEdgeTokenizerSpec());

const TOOLS: ToolDefinition[] = [
  { type: 'function', function: { name: 'get_order_status', description: 'Look up an order.', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } } },
];
const params = (extra: Partial<GenerationParams> = {}): GenerationParams => ({ maxNewTokens: 16, temperature: 0, topP: 1, enableThinking: false, ...extra });
const ASK: ChatMessage[] = [{ role: 'user', content: 'Where is order A-1042?' }];

/** The prompt as text, from the token ids the engine would run. */
function promptText(tk: PreTrainedTokenizer, messages: ChatMessage[], p: GenerationParams): string {
  const { input_ids } = tokenizedPrompt(tk as unknown as ChatTemplater, messages, p) as { input_ids: { data: BigInt64Array } };
  return tk.decode(Array.from(input_ids.data, Number), { skip_special_tokens: false });
}

describe('chat prompt with tools', () => {
  it("puts the tools into Qwen3's system turn in its own format", () => {
    const text = promptText(qwen3, ASK, params({ tools: TOOLS }));
    expect(text).toContain('<tools>\n{"type": "function", "function": {"name": "get_order_status"');
    expect(text).toContain('within <tool_call></tool_call> XML tags');
    expect(text.endsWith('<|im_start|>assistant\n<think>\n\n</think>\n\n')).toBe(true);
    expect(promptText(qwen3, ASK, params())).not.toContain('<tools>');
  });

  it("renders the model's call and the tool result the way Qwen3 was trained on", () => {
    const text = promptText(qwen3, [
      ...ASK,
      { role: 'assistant', content: '', toolCalls: [{ name: 'get_order_status', arguments: { order_id: 'A-1042' } }] },
      { role: 'tool', content: '{"status": "shipped"}' },
    ], params({ tools: TOOLS }));
    expect(text).toContain('<|im_start|>assistant\n<tool_call>\n{"name": "get_order_status", "arguments": {"order_id": "A-1042"}}\n</tool_call><|im_end|>');
    expect(text).toContain('<|im_start|>user\n<tool_response>\n{"status": "shipped"}\n</tool_response><|im_end|>\n<|im_start|>assistant\n');
  });

  it("refuses tools for a template that never reads them (GLM-Edge) instead of dropping them", () => {
    expect(() => tokenizedPrompt(glm as unknown as ChatTemplater, ASK, params({ tools: TOOLS }))).toThrow(ToolsUnsupportedError);
    // Without tools it renders as before.
    expect(promptText(glm, ASK, params())).toBe('[gMASK]<sop><|user|>\nWhere is order A-1042?<|assistant|>\n');
  });

  it('fits every built-in tool task into the 2048 positions of the tiny e2e models, with room to answer', () => {
    for (const task of BUILTIN_SUITE.tasks.filter((t) => t.tools)) {
      const messages: ChatMessage[] = [{ role: 'system', content: task.system ?? '' }, { role: 'user', content: task.prompt }];
      const { input_ids } = tokenizedPrompt(qwen3 as unknown as ChatTemplater, messages, params({ tools: task.tools })) as { input_ids: { data: BigInt64Array } };
      expect(input_ids.data.length + task.maxNewTokens, task.id).toBeLessThan(TINY_DIMS.maxPositionEmbeddings);
    }
  });
});
