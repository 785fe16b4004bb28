// New charts take turns: one is drawn per animation frame, so a view that shows many at once (a
// fleet of models, a big results link) never spends one long task drawing them all. chart.js is
// loaded before the first turn, in a task of its own, rather than in the task that draws a chart.

const waiting: (() => void)[] = [];
let frame = 0;
let library: Promise<unknown> | null = null;

/** Calls `draw` on a frame of its own, after those already waiting; the returned function cancels. */
export function takeTurn(draw: () => void): () => void {
  waiting.push(draw);
  library ??= import('chart.js/auto');
  void library.then(schedule, schedule);
  return () => {
    const at = waiting.indexOf(draw);
    if (at >= 0) waiting.splice(at, 1);
  };
}

function schedule(): void {
  if (waiting.length) frame ||= requestAnimationFrame(next);
}

function next(): void {
  frame = 0;
  waiting.shift()?.();
  schedule();
}
