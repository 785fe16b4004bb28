// Re-rendering a whole answer as Markdown on every streamed chunk costs time proportional to its
// length, again and again, on the thread that competes with inference for the CPU. Finished
// blocks don't change, so a streaming answer is split into a settled head (rendered once per new
// block) and a growing tail (rendered each time).

/**
 * Index where the unfinished tail starts: just after the last blank line that is not inside a
 * fenced code block. 0 when there is no such line yet.
 */
export function settledLength(text: string): number {
  let settled = 0;
  let inFence = false;
  let lineStart = 0;
  let previousBlank = false;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    if (newline === -1) break; // the last line is still being written
    const line = text.slice(lineStart, newline);
    if (/^\s{0,3}(```|~~~)/.test(line)) inFence = !inFence;
    const blank = line.trim() === '';
    if (blank && !inFence && !previousBlank && lineStart > 0) settled = newline + 1;
    previousBlank = blank;
    lineStart = newline + 1;
  }
  return settled;
}
