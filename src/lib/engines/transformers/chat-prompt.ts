// How a conversation becomes the model's prompt: the model's own chat template renders the
// messages and any tool definitions, so each model sees tools in the format it was trained on.
// A template that ignores `tools` would silently answer without them, so that is an error.
import type { ChatMessage, GenerationParams } from '../types';
import { ToolsUnsupportedError } from '../errors';

/** A content part of a multimodal message, as Qwen-VL-style templates read them. */
export type TemplateContentPart = { type: 'image' } | { type: 'text'; text: string };

/** A message as chat templates read it (the OpenAI shape: `tool_calls[].function`). */
export interface TemplateMessage {
  role: string;
  content: string | TemplateContentPart[];
  tool_calls?: { type: 'function'; function: { name: string; arguments: Record<string, unknown> } }[];
}

/** The part of a transformers.js tokenizer (or processor) the prompt needs. */
export interface ChatTemplater {
  apply_chat_template(conversation: TemplateMessage[], options: Record<string, unknown>): unknown;
}

export function templateMessage({ role, content, toolCalls }: ChatMessage): TemplateMessage {
  return toolCalls?.length
    ? { role, content, tool_calls: toolCalls.map((call) => ({ type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }
    : { role, content };
}

/** Extra options reach the Jinja template as variables; Qwen3's and Qwen3.5's read `enable_thinking`. */
function templateOptions(params: GenerationParams) {
  return { add_generation_prompt: true, enable_thinking: params.enableThinking };
}

/** The tools to render, after checking that the template reads them at all. */
function checkedTools(templater: ChatTemplater, conversation: TemplateMessage[], params: GenerationParams) {
  const tools = params.tools?.length ? params.tools : null;
  if (tools) {
    const options = templateOptions(params);
    const withTools = templater.apply_chat_template(conversation, { ...options, tools, tokenize: false });
    const without = templater.apply_chat_template(conversation, { ...options, tokenize: false });
    if (withTools === without) throw new ToolsUnsupportedError();
  }
  return tools;
}

/**
 * The prompt as text (for a processor that tokenizes it beside the pictures).
 * @throws ToolsUnsupportedError when tools were given and the template ignores them.
 */
export function renderedPrompt(templater: ChatTemplater, conversation: TemplateMessage[], params: GenerationParams): string {
  const tools = checkedTools(templater, conversation, params);
  return templater.apply_chat_template(conversation, { ...templateOptions(params), ...(tools ? { tools } : {}), tokenize: false }) as string;
}

/**
 * The tokenized prompt (`return_dict`: input_ids and attention_mask). With tools, the template is
 * rendered with and without them first: the same text both ways means it never reads `tools`.
 * @throws ToolsUnsupportedError when tools were given and the template ignores them.
 */
export function tokenizedPrompt(tokenizer: ChatTemplater, messages: readonly ChatMessage[], params: GenerationParams): unknown {
  const conversation = messages.map(templateMessage);
  const tools = checkedTools(tokenizer, conversation, params);
  return tokenizer.apply_chat_template(conversation, { ...templateOptions(params), ...(tools ? { tools } : {}), return_dict: true });
}

/**
 * How many of `promptIds` the next turn's prompt will start with. Templates render the last turn
 * apart from history (Qwen3 and Qwen3.5 open the answer with a think block that history drops),
 * so the prompt is rendered once more as the next turn will see it (this conversation, an answer
 * and another question) and compared token by token. One token is given back at the seam, where
 * the real answer's first characters may merge with it differently.
 */
export function repeatedPrefixLength(tokenizer: ChatTemplater, messages: readonly ChatMessage[], params: GenerationParams, promptIds: readonly bigint[]): number {
  const nextTurn = [...messages.map(templateMessage), { role: 'assistant', content: 'A' }, { role: 'user', content: 'Q' }];
  const tools = params.tools?.length ? { tools: params.tools } : {};
  const rendered = tokenizer.apply_chat_template(nextTurn, { enable_thinking: params.enableThinking, add_generation_prompt: false, ...tools, return_dict: true }) as {
    input_ids: { data: BigInt64Array };
  };
  const next = rendered.input_ids.data;
  let shared = 0;
  while (shared < promptIds.length && shared < next.length && promptIds[shared] === next[shared]) shared++;
  return Math.max(0, shared - 1);
}
