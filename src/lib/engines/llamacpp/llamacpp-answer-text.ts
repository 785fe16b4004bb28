// llama.cpp's streamed deltas as the answer text the app reads. The engine asks wllama for the
// model's own text (skip_chat_parsing), so `<tool_call>` blocks and think blocks arrive as the
// model wrote them and the app's readers (tool calls, thinking) parse them as for every engine.
// Should a template force llama.cpp to split reasoning off anyway, it goes back inside <think>.

export interface LlamaCppDelta {
  content?: string | null;
  reasoning_content?: string | null;
}

/** Joins deltas into answer text, keeping whether a <think> block it opened is still open. */
export class LlamaCppAnswerText {
  #thinkingOpen = false;

  /** The text one delta adds (empty when it carries none). */
  add(delta: LlamaCppDelta | undefined): string {
    let text = '';
    if (delta?.reasoning_content) {
      text += (this.#thinkingOpen ? '' : '<think>') + delta.reasoning_content;
      this.#thinkingOpen = true;
    }
    if (delta?.content) {
      text += (this.#thinkingOpen ? '</think>' : '') + delta.content;
      this.#thinkingOpen = false;
    }
    return text;
  }

  /** What closes the answer: the end of a think block still open, unless the answer was cut off. */
  end(interrupted: boolean): string {
    return this.#thinkingOpen && !interrupted ? '</think>' : '';
  }
}
