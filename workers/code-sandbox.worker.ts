// Code-sandbox worker entry: locks the realm down, then runs one answer's code against its tests.
// A fresh worker per check; the main thread (src/lib/scorecard/code-sandbox.ts) kills it at the time limit.
import { canCompile, compileAndRun, removeGlobals, sealCompilers } from '../src/lib/scorecard/code-sandbox-realm';
import type { SandboxRunMessage, SandboxWorkerMessage } from '../src/lib/scorecard/code-sandbox-protocol';

// Kept privately before postMessage itself is removed: untrusted code can't post a forged result.
const send: (message: SandboxWorkerMessage) => void = self.postMessage.bind(self);
const scope: object = self;

self.addEventListener('message', (event: MessageEvent<SandboxRunMessage>) => {
  const { source, functionName, calls } = event.data;
  void compileAndRun(source, functionName, calls, { afterCompile: () => sealCompilers(scope) }).then(
    (outcome) => send({ type: 'result', outcome }),
    (error: unknown) => send({ type: 'result', outcome: { kind: 'compile-error', message: String(error) } }),
  );
}, { once: true });

const stillThere = removeGlobals(scope);
if (stillThere.length > 0) {
  send({ type: 'refused', message: `the sandbox could not remove ${stillThere.join(', ')}, so it does not run code` });
} else if (!canCompile()) {
  send({
    type: 'refused',
    message:
      "this host's Content-Security-Policy forbids compiling code in the sandbox worker (the worker's own response needs script-src 'unsafe-eval')",
  });
} else {
  send({ type: 'ready' });
}
