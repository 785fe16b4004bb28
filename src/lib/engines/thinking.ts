// Reasoning models (Qwen3, DeepSeek-R1 distills) write `<think>…</think>` before the answer.
// The UI shows that part in a collapsible block, so the streamed text is split as it grows.

export interface SplitAnswer {
  thinking: string | null;
  /** True while the closing tag has not arrived yet. */
  thinkingOpen: boolean;
  answer: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * @param startsInThinking the prompt itself ended with `<think>` (DeepSeek-R1 templates do),
 *   so the output begins inside the block without an opening tag.
 */
export function splitThinking(text: string, startsInThinking = false): SplitAnswer {
  let rest = text;
  if (!startsInThinking) {
    const trimmed = rest.trimStart();
    if (!trimmed.startsWith(OPEN)) {
      // A partial "<thi" at the very start may still become the tag: hide it until it resolves.
      if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed) && trimmed.length > 0) {
        return { thinking: '', thinkingOpen: true, answer: '' };
      }
      return { thinking: null, thinkingOpen: false, answer: text };
    }
    rest = trimmed.slice(OPEN.length);
  }
  const end = rest.indexOf(CLOSE);
  if (end === -1) return { thinking: rest.trim(), thinkingOpen: true, answer: '' };
  return { thinking: rest.slice(0, end).trim(), thinkingOpen: false, answer: rest.slice(end + CLOSE.length).trimStart() };
}
