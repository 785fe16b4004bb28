// Tokens this visit processed on the device, from every source (chat, benchmark, scorecard,
// side-by-side): what the cost panel prices against cloud APIs.
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

  /** One answer: the prompt tokens the model read (input) and the tokens it wrote (output). */
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
