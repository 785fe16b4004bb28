// The results view's state with a team's files: all of them land in the fleet at once, a bad file
// and a duplicate are reported beside the good ones, the pairwise comparison still picks two of
// them, the fleet downloads as CSV and Markdown, and Clear all starts over.
import { describe, expect, it } from 'vitest';
import { ResultsSharing } from '../../src/state/results-sharing.svelte';
import { SessionResults } from '../../src/state/session-results.svelte';
import { HardwareReportState } from '../../src/state/hardware-report.svelte';
import { resultsJson } from '../../src/lib/export/results-json';
import { csvRecords } from '../../src/lib/export/csv';
import { teamDocuments } from './support/fleet-documents';

function setup() {
  return new ResultsSharing(new SessionResults(), new HardwareReportState(async () => { throw new Error('unused'); }), () => undefined);
}

describe('ResultsSharing with a fleet', () => {
  it('imports a team’s files into the fleet and clears them all', async () => {
    const sharing = setup();
    const files = teamDocuments().map(({ name, document }) => new File([resultsJson(document)], name));
    await sharing.importFiles([...files, new File(['{}'], 'team-a.json'), new File([await files[0].text()], 'copy.json')]);

    expect(sharing.imported.map((s) => s.name)).toEqual(['team-mac.json', 'team-desktop.json', 'team-laptop.json']);
    expect(sharing.importErrors).toEqual([expect.stringMatching(/^team-a\.json: This is not an On-Device Playground results file/)]);
    expect(sharing.importNotes).toEqual(['copy.json: the same results as team-mac.json; imported once, as team-mac.json.']);
    expect(sharing.fleet).toHaveLength(1);
    expect(sharing.fleet[0].rows).toHaveLength(6);
    expect(sharing.comparison?.first.name).toBe('team-mac.json');
    expect(sharing.comparison?.second.name).toBe('team-laptop.json');

    const csv = sharing.fleetFile('csv', new Date('2026-12-03T08:00:00Z'));
    expect(csv.name).toBe('fleet-2026-12-03.csv');
    expect(csvRecords(csv.text).map((r) => r.file)).toEqual(sharing.fleet[0].rows.map((r) => r.source));
    expect(sharing.fleetFile('markdown', new Date('2026-12-03T08:00:00Z')).name).toBe('fleet-2026-12-03.md');

    // The same file dropped again is noted, not doubled.
    await sharing.importFiles([new File([await files[1].text()], 'team-desktop.json')]);
    expect(sharing.imported).toHaveLength(3);
    expect(sharing.importNotes).toEqual(['team-desktop.json: already imported with the same results; it is shown once.']);

    sharing.clearImports();
    expect([sharing.imported, sharing.fleet, sharing.importErrors, sharing.importNotes]).toEqual([[], [], [], []]);
    expect(sharing.comparison).toBeNull();
    // After clearing, the same files import again.
    await sharing.importFiles(files.slice(0, 1));
    expect(sharing.imported.map((s) => s.name)).toEqual(['team-mac.json']);
  });
});
