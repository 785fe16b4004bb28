// How a conversation becomes the model's prompt: the model's own chat template renders the
// messages and any tool definitions, so each model sees tools in the format it was trained on.
// A template that ignores `tools` would silently answer without them, so that is an error.
import type { ChatMessage, GenerationParams } from '../types';
import { ToolsUnsupportedError } from '../errors';

/** A message as chat templates read it (the OpenAI shape: `tool_calls[].function`). */
export interface TemplateMessage {
  role: string;
  content: string;
  tool_calls?: { type: 'function'; function: { name: string; arguments: Record<string, unknown> } }[];
}

/** The part of a transformers.js tokenizer the prompt needs. */
export interface ChatTemplater {
  apply_chat_template(conversation: TemplateMessage[], options: Record<string, unknown>): unknown;
}

function templateMessages(messages: readonly ChatMessage[]): TemplateMessage[] {
  return messages.map(({ role, content, toolCalls }) =>
    toolCalls?.length
      ? { role, content, tool_calls: toolCalls.map((call) => ({ type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }
      : { role, content },
  );
}

/**
 * The tokenized prompt (`return_dict`: input_ids and attention_mask). With tools, the template is
 * rendered with and without them first: the same text both ways means it never reads `tools`.
 * @throws ToolsUnsupportedError when tools were given and the template ignores them.
 */
export function tokenizedPrompt(tokenizer: ChatTemplater, messages: readonly ChatMessage[], params: GenerationParams): unknown {
  const conversation = templateMessages(messages);
  // Extra options reach the Jinja template as variables; Qwen3's reads `enable_thinking`.
  const options = { add_generation_prompt: true, enable_thinking: params.enableThinking };
  const tools = params.tools?.length ? params.tools : null;
  if (tools) {
    const withTools = tokenizer.apply_chat_template(conversation, { ...options, tools, tokenize: false });
    const without = tokenizer.apply_chat_template(conversation, { ...options, tokenize: false });
    if (withTools === without) throw new ToolsUnsupportedError();
  }
  return tokenizer.apply_chat_template(conversation, { ...options, ...(tools ? { tools } : {}), return_dict: true });
}
