import { describe, expect, it } from 'vitest';
import { splitThinking } from '../../src/lib/engines/thinking';

describe('splitThinking', () => {
  it('passes plain answers through', () => {
    expect(splitThinking('Hello there')).toEqual({ thinking: null, thinkingOpen: false, answer: 'Hello there' });
  });
  it('separates a closed think block from the answer', () => {
    expect(splitThinking('<think>\nLet me add.\n</think>\n\n4')).toEqual({ thinking: 'Let me add.', thinkingOpen: false, answer: '4' });
  });
  it('shows an unfinished block as open with no answer yet', () => {
    expect(splitThinking('<think>\nstill going')).toEqual({ thinking: 'still going', thinkingOpen: true, answer: '' });
  });
  it('hides a partial opening tag until it resolves', () => {
    expect(splitThinking('<thi')).toEqual({ thinking: '', thinkingOpen: true, answer: '' });
    expect(splitThinking('<b>bold</b>').thinking).toBeNull();
  });
  it('handles templates that open the block in the prompt (DeepSeek-R1)', () => {
    expect(splitThinking('reasoning here</think>answer', true)).toEqual({ thinking: 'reasoning here', thinkingOpen: false, answer: 'answer' });
  });
  it('keeps an empty think block (Qwen3 with thinking off) out of the answer', () => {
    expect(splitThinking('<think>\n\n</think>\n\nHi')).toEqual({ thinking: '', thinkingOpen: false, answer: 'Hi' });
  });
});
