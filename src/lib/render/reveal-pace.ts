// How many more rows a long table shows in the next animation frame. Laying out a thousand rows at
// once holds the page for seconds; showing them a batch per frame keeps every frame short. The
// batch follows the machine: the time between two frames is what the last batch cost to lay out
// and paint, so the next batch grows while frames are quick and shrinks when they run long.

/** What one frame's batch should cost: well under the 200 ms at which a page feels stuck. */
export const FRAME_BUDGET_MS = 50;
/** A batch at most doubles from one frame to the next, so one quick frame can't overshoot. */
const MAX_GROWTH = 2;

export interface RevealPace {
  /** Items shown at once, before the first frame. */
  first: number;
  /** The first batch; later ones follow the frame time. */
  step: number;
  /** The smallest and largest batch. */
  min: number;
  max: number;
}

/** The next batch, from the last one and the milliseconds between the frames that showed it. */
export function nextBatch(batch: number, frameMs: number, pace: Pick<RevealPace, 'min' | 'max'>, budgetMs = FRAME_BUDGET_MS): number {
  const scale = frameMs > 0 ? Math.min(MAX_GROWTH, budgetMs / frameMs) : MAX_GROWTH;
  return Math.max(pace.min, Math.min(pace.max, Math.floor(batch * scale)));
}
