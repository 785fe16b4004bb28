// The lifecycle every long run on this device shares (benchmark, scorecard, side by side): it
// waits while the chat or another run uses the device, claims it, hands the run a Cancel signal,
// and always lets go of the device, however the run ends. Those views extend this class.
import type { ViewContext } from './view-context';
import type { ModelSession } from './model-session.svelte';

export abstract class DeviceRunner {
  running = $state(false);
  /** Cancel was pressed and the run is winding down. */
  cancelling = $state(false);

  /** The model session the run uses now: Cancel ends its worker, and it is ended when the run ends. */
  protected activeSession = $state.raw<ModelSession | null>(null);

  #controller: AbortController | null = null;
  #current: Promise<void> | null = null;

  /** @param holder what this is called while it holds the device ("The benchmark") */
  constructor(
    private readonly holder: string,
    private readonly runContext: Pick<ViewContext, 'chatBusy' | 'device'>,
  ) {}

  /** Why a run can't start now, or null. */
  get blockedReason(): string | null {
    if (this.runContext.chatBusy) {
      return `The chat model is loading or answering. ${this.holder} starts once it is done, so the two do not compete for the same processor and skew the numbers.`;
    }
    return this.runContext.device.blockedFor(this.holder);
  }

  /** Download/initialisation progress of the model the run is loading now, if any. */
  get loadProgress() {
    return this.activeSession?.progress ?? null;
  }

  /** Aborts the run's signal and ends the worker it is waiting on; false when nothing was running. */
  cancel(): boolean {
    if (!this.#controller || this.#controller.signal.aborted) return false;
    this.cancelling = true;
    this.#controller.abort();
    this.activeSession?.dispose();
    return true;
  }

  /** The run in progress, to wait for; null when none. */
  protected get currentRun(): Promise<void> | null {
    return this.#current;
  }

  /** Runs `body` holding the device. A second call while one runs waits for that one instead. */
  protected holdingDevice(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.#current) return this.#current;
    const controller = new AbortController();
    this.#controller = controller;
    this.runContext.device.take(this.holder);
    this.running = true;
    this.cancelling = false;
    this.#current = (async () => {
      try {
        await body(controller.signal);
      } finally {
        this.activeSession?.dispose();
        this.activeSession = null;
        this.#controller = null;
        this.#current = null;
        this.running = false;
        this.cancelling = false;
        this.runContext.device.release(this.holder);
      }
    })();
    return this.#current;
  }
}
