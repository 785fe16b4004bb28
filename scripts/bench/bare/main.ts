// Reference point for `npm run bench`: transformers.js used the plain way, in a worker of its
// own, with none of the app's code. Parameters come from the query string; the result is
// published on window.__benchResult for the harness to read.
const params = Object.fromEntries(new URLSearchParams(location.search));
const worker = new Worker(new URL('./bare.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent) => {
  (window as unknown as { __benchResult: unknown }).__benchResult = event.data;
  document.getElementById('status')!.textContent = JSON.stringify(event.data);
};
worker.onerror = (event) => {
  (window as unknown as { __benchResult: unknown }).__benchResult = { error: event.message };
};
worker.postMessage(params);
