// Imported suites the scorecard specs share, and the import step itself.
import type { Page } from '@playwright/test';

/** One code task: sumTo(n), checked by two calls in the sandbox. */
export function sumToSuite(maxNewTokens = 48) {
  return {
    format: 'on-device-playground/scorecard-suite',
    version: 1,
    name: 'Sum to n',
    tasks: [
      {
        id: 'sum-to',
        category: 'coding',
        title: 'Sum 1..n',
        prompt: 'Write a JavaScript function sumTo(n) that returns 1 + 2 + … + n. Reply with one ```js code block.',
        maxNewTokens,
        checker: {
          kind: 'code',
          functionName: 'sumTo',
          tests: [
            { args: [3], expected: 6 },
            { args: [10], expected: 55 },
          ],
        },
      },
    ],
  };
}

export function importSuite(page: Page, name: string, content: unknown): Promise<void> {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return page.getByLabel('Import a suite (JSON file)').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}
