// A pause until the next task: long work split at these points lets the page paint and answer
// input in between, instead of running as one task the user feels as a freeze.
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
