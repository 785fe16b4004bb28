// Collects streamed text and hands it on at most once per animation frame: a screen shows ~60
// frames a second, and every render costs the UI thread time that inference threads want too.

export class FrameTextBatch {
  #pending = '';
  #frame: number | null = null;

  constructor(private readonly commit: (text: string) => void) {}

  push(text: string): void {
    if (!text) return;
    this.#pending += text;
    this.#frame ??= requestAnimationFrame(() => this.flush());
  }

  /** Hands on whatever is waiting now (an answer ended: its last words must not wait a frame). */
  flush(): void {
    if (this.#frame !== null) cancelAnimationFrame(this.#frame);
    this.#frame = null;
    if (!this.#pending) return;
    const text = this.#pending;
    this.#pending = '';
    this.commit(text);
  }
}
