// The shared view's state with big links: what a link held beyond the limit is kept beside the
// document to be said on screen, and a link opened while another is still being read wins over it.
import { describe, expect, it } from 'vitest';
import { ResultsSharing } from '../../src/state/results-sharing.svelte';
import { SessionResults } from '../../src/state/session-results.svelte';
import { HardwareReportState } from '../../src/state/hardware-report.svelte';
import { resultsFragment } from '../../src/lib/export/permalink';
import { MAX_BENCHMARK_ROWS } from '../../src/lib/results/results-limits';
import { bigDocument } from './support/big-results';

function setup() {
  return new ResultsSharing(new SessionResults(), new HardwareReportState(async () => { throw new Error('unused'); }));
}

describe('ResultsSharing with big links', () => {
  it('keeps what a link left out with the document it shows, and forgets it on close', async () => {
    const sharing = setup();
    await sharing.openFragment(await resultsFragment(bigDocument(5_000)));
    expect(sharing.shared?.benchmark).toHaveLength(MAX_BENCHMARK_ROWS);
    expect(sharing.sharedLeftOut?.benchmarkRows).toEqual({ total: 5_000, read: MAX_BENCHMARK_ROWS });
    sharing.closeShared();
    expect(sharing.shared).toBeNull();
    expect(sharing.sharedLeftOut).toBeNull();
  });

  it('shows the link opened last, even when an earlier one finishes reading after it', async () => {
    const sharing = setup();
    const big = await resultsFragment(bigDocument(5_000, 'Big rig'));
    const small = await resultsFragment(bigDocument(12, 'Small rig'));
    const slow = sharing.openFragment(big);
    await sharing.openFragment(small);
    await slow;
    expect(sharing.shared?.machine.label).toBe('Small rig');
    expect(sharing.sharedLeftOut).toBeNull();
  });
});
