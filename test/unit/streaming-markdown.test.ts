import { describe, expect, it } from 'vitest';
import { settledLength } from '../../src/lib/render/streaming-markdown';

describe('settledLength', () => {
  it('is 0 until a paragraph is finished', () => {
    expect(settledLength('')).toBe(0);
    expect(settledLength('Hello wor')).toBe(0);
    expect(settledLength('Hello\nworld')).toBe(0);
  });
  it('ends after the last blank line', () => {
    const text = 'First paragraph.\n\nSecond one.\n\nThird, still';
    expect(text.slice(settledLength(text))).toBe('Third, still');
  });
  it('never splits inside a fenced code block', () => {
    const open = 'Intro.\n\n```js\nconst a = 1;\n\nconst b = 2;\n';
    expect(open.slice(0, settledLength(open))).toBe('Intro.\n\n');
    const closed = `${open}\`\`\`\n\nAfter.`;
    expect(closed.slice(settledLength(closed))).toBe('After.');
  });
  it('keeps list items and headings whole', () => {
    const text = '# Title\n\n- one\n- two\n';
    expect(text.slice(settledLength(text))).toBe('- one\n- two\n');
  });
});
