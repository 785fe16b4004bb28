// What the app sends to llama.cpp's chat completion: its messages in the OpenAI shape wllama
// renders with the GGUF's own chat template, and whether that template can take tools at all.
import type { ChatCompletionMessage } from '@wllama/wllama';
import type { ChatMessage } from '../types';

/**
 * Whether a GGUF's chat template renders tool definitions. One that never reads `tools` can't; given
 * tools anyway, llama.cpp would write its own generic tool prompt (and constrain the answer to its
 * JSON), which is not how the model was trained to be asked.
 */
export function templateTakesTools(template: string | null): boolean {
  return template !== null && /\btools\b/.test(template);
}

/** The app's messages in the OpenAI shape wllama renders with the GGUF's own chat template. */
export function toWllamaMessages(messages: readonly ChatMessage[]): ChatCompletionMessage[] {
  let callId = 0;
  let lastCallIds: string[] = [];
  return messages.map((message): ChatCompletionMessage => {
    switch (message.role) {
      case 'assistant': {
        lastCallIds = (message.toolCalls ?? []).map(() => `call_${callId++}`);
        return {
          role: 'assistant',
          content: message.content,
          ...(message.toolCalls?.length
            ? { tool_calls: message.toolCalls.map((call, i) => ({ id: lastCallIds[i]!, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.arguments) } })) }
            : {}),
        };
      }
      case 'tool':
        // Results follow the calls in order; the template pairs them by position.
        return { role: 'tool', content: message.content, tool_call_id: lastCallIds.shift() ?? `call_${callId++}` };
      default:
        return { role: message.role, content: message.content };
    }
  });
}
