// One long run at a time on this device: the benchmark, the scorecard and side by side each claim
// it while they run, and the chat and the other views wait, so no run skews another's numbers.
export class DeviceClaim {
  /** What holds the device now, in words ("The benchmark"), or null. */
  holder = $state<string | null>(null);

  /** Takes the device for `who`; false when something else holds it. */
  take(who: string): boolean {
    if (this.holder !== null && this.holder !== who) return false;
    this.holder = who;
    return true;
  }

  release(who: string): void {
    if (this.holder === who) this.holder = null;
  }

  /** Why `who` can't start now, or null. */
  blockedFor(who: string): string | null {
    if (this.holder === null || this.holder === who) return null;
    return `${this.holder} is running on this device. Start this when it has finished, so the two don't compete for the same processor and skew each other's numbers.`;
  }
}
