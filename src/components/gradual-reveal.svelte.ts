// Shows a long list a batch per animation frame (src/lib/render/reveal-pace.ts sets the batch):
// the first items at once, the rest over the next frames, so no frame lays out a thousand rows.
// A new list starts over. Construct it while a component initialises (it owns an effect).
import { nextBatch, type RevealPace } from '../lib/render/reveal-pace';

export class GradualReveal {
  /** How many of the items to show now. */
  count = $state(0);
  #total = $state(0);
  /** True while items are still waiting to be shown (the table is aria-busy). */
  readonly busy = $derived(this.count < this.#total);

  constructor(items: () => readonly unknown[], pace: RevealPace) {
    $effect(() => {
      const total = items().length;
      this.#total = total;
      this.count = Math.min(total, pace.first);
      if (total <= pace.first) return;
      let batch = pace.step;
      let previous: number | null = null;
      const reveal = (now: number) => {
        // The time since the last frame is what its batch cost to lay out and paint.
        if (previous !== null) batch = nextBatch(batch, now - previous, pace);
        previous = now;
        this.count = Math.min(total, this.count + batch);
        if (this.count < total) frame = requestAnimationFrame(reveal);
      };
      let frame = requestAnimationFrame(reveal);
      return () => cancelAnimationFrame(frame);
    });
  }
}
