// Reading results files people picked or dropped, any number at once: each bad file gets its own
// line naming it and the others still import; a file with the same results as one already in
// (a teammate sent it twice, or it was dropped again) is imported once, with a note saying so.
import type { ResultsDocument } from '../results/result-types';
import type { LeftOut } from '../results/results-limits';
import { parseJson, readResultsData, resultsJson } from './results-json';
import { nextTask } from '../async/next-task';

/** Far above any real export (a full scorecard with answers is well under 1 MB); guards against a wrong pick. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** What the import needs of a file: a browser File has all three. */
export interface ResultsFile {
  name: string;
  size: number;
  text(): Promise<string>;
}

export interface ImportedResults {
  name: string;
  document: ResultsDocument;
  /** The document written out again: equal for the same results whatever the file's spacing. */
  fingerprint: string;
  /** What the file held beyond what the app reads (results-limits.ts); null when it was read whole. */
  leftOut: LeftOut | null;
}

export interface ImportOutcome {
  added: ImportedResults[];
  /** One line per file that could not be imported, starting with its name. */
  errors: string[];
  /** One line per duplicate, naming the file it repeats. */
  notes: string[];
}

export async function importResultsFiles(
  files: Iterable<ResultsFile>,
  already: readonly Pick<ImportedResults, 'name' | 'fingerprint'>[] = [],
): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { added: [], errors: [], notes: [] };
  const known = new Map(already.map((file) => [file.fingerprint, file.name]));
  for (const file of files) {
    if (file.size > MAX_IMPORT_BYTES) {
      outcome.errors.push(`${file.name}: at ${Math.round(file.size / 1024 / 1024)} MB this is far larger than any results file; it was not read.`);
      continue;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      outcome.errors.push(`${file.name}: the file could not be read (${error instanceof Error ? error.message : String(error)}).`);
      continue;
    }
    // Decoding, parsing and checking a file of megabytes each take a while: each gets its own task,
    // so the page can paint in between.
    await nextTask();
    const json = parseJson(text);
    if (!json.ok) {
      outcome.errors.push(`${file.name}: ${json.error}`);
      continue;
    }
    await nextTask();
    const parsed = readResultsData(json.data);
    if (!parsed.ok) {
      outcome.errors.push(`${file.name}: ${parsed.error}`);
      continue;
    }
    const leftOut = parsed.leftOut ?? null;
    // Files that agree up to the limits but hold different amounts beyond them are different results.
    const fingerprint = resultsJson(parsed.document) + (leftOut ? JSON.stringify(leftOut) : '');
    const original = known.get(fingerprint);
    if (original !== undefined) {
      outcome.notes.push(
        original === file.name
          ? `${file.name}: already imported with the same results; it is shown once.`
          : `${file.name}: the same results as ${original}; imported once, as ${original}.`,
      );
      continue;
    }
    known.set(fingerprint, file.name);
    outcome.added.push({ name: file.name, document: parsed.document, fingerprint, leftOut });
  }
  return outcome;
}
