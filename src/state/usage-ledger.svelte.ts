// Tokens this visit processed on the device, from every source (chat, benchmark, scorecard,
// side-by-side): what the cost panel prices against cloud APIs.
import type { GenerationMetrics } from '../lib/engines/types';
export type UsageSource = 'chat' | 'benchmark' | 'scorecard' | 'side-by-side';

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  answers: number;
}

export class UsageLedger {
  bySource = $state.raw<Record<UsageSource, UsageTotals>>({
    chat: empty(),
    benchmark: empty(),
    scorecard: empty(),
    'side-by-side': empty(),
  });

  /**
   * One answer as a cloud API would bill it: the whole prompt as input, every turn (only this
   * device saves the part it had cached from the previous turn), and the tokens written as output.
   */
  recordAnswer(source: UsageSource, metrics: Pick<GenerationMetrics, 'promptTokens' | 'generatedTokens'>): void {
    this.record(source, metrics.promptTokens, metrics.generatedTokens);
  }

  /** Tokens read (input) and written (output) by one answer. */
  record(source: UsageSource, inputTokens: number, outputTokens: number): void {
    const current = this.bySource[source];
    this.bySource = {
      ...this.bySource,
      [source]: {
        inputTokens: current.inputTokens + inputTokens,
        outputTokens: current.outputTokens + outputTokens,
        answers: current.answers + 1,
      },
    };
  }

  get total(): UsageTotals {
    return Object.values(this.bySource).reduce(
      (sum, t) => ({ inputTokens: sum.inputTokens + t.inputTokens, outputTokens: sum.outputTokens + t.outputTokens, answers: sum.answers + t.answers }),
      empty(),
    );
  }

  reset(): void {
    this.bySource = { chat: empty(), benchmark: empty(), scorecard: empty(), 'side-by-side': empty() };
  }
}

function empty(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, answers: 0 };
}
