// The lifecycle every long run on this device shares (benchmark, scorecard, side by side): it
// waits while the chat or another run uses the device, claims it, hands the run a Cancel signal,
// and always lets go of the device, however the run ends.
import type { ViewContext } from './view-context';

export class DeviceRun {
  running = $state(false);
  /** Cancel was pressed and the run is winding down. */
  cancelling = $state(false);

  #controller: AbortController | null = null;
  #current: Promise<void> | null = null;

  /**
   * @param holder what the device claim shows while this runs ("The benchmark")
   * @param chatBusyReason why this waits while the chat model loads or answers, in words
   */
  constructor(
    private readonly holder: string,
    private readonly context: Pick<ViewContext, 'chatBusy' | 'device'>,
    private readonly chatBusyReason: string,
  ) {}

  /** Why a run can't start now, or null. */
  get blockedReason(): string | null {
    if (this.context.chatBusy) return this.chatBusyReason;
    return this.context.device.blockedFor(this.holder);
  }

  /** The run in progress, to wait for; null when none. */
  get current(): Promise<void> | null {
    return this.#current;
  }

  /** Runs `body` holding the device. A second call while one runs waits for that one instead. */
  run(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.#current) return this.#current;
    const controller = new AbortController();
    this.#controller = controller;
    this.context.device.take(this.holder);
    this.running = true;
    this.cancelling = false;
    this.#current = (async () => {
      try {
        await body(controller.signal);
      } finally {
        this.#controller = null;
        this.#current = null;
        this.running = false;
        this.cancelling = false;
        this.context.device.release(this.holder);
      }
    })();
    return this.#current;
  }

  /** Aborts the run's signal; false when there was nothing to cancel. */
  cancel(): boolean {
    if (!this.#controller || this.#controller.signal.aborted) return false;
    this.cancelling = true;
    this.#controller.abort();
    return true;
  }
}
