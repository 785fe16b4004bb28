// How loads pick an onnxruntime-web build and create sessions.
import { describe, expect, it } from 'vitest';
import { chooseOrtBuild, chooseOrtBundle, onSessionCreated, ORT_BUNDLE_CHOICE } from '../../src/lib/engines/transformers/ort-setup';

describe('the default build', () => {
  it('is JSPI on WASM where the engine has it, asyncify where it has not, and asyncify on WebGPU', () => {
    expect(chooseOrtBuild('wasm', undefined, true)).toBe('jspi');
    expect(chooseOrtBuild('wasm', {}, false)).toBe('asyncify');
    expect(chooseOrtBuild('webgpu', undefined, true)).toBe('asyncify');
  });

  it('is left where ort-bundle.ts reads it: JSPI runs its own bundle, every other build the WebGPU bundle', () => {
    const scope: Record<symbol, unknown> = {};
    chooseOrtBundle('jspi', scope);
    expect(scope[ORT_BUNDLE_CHOICE]).toBe('jspi');
    chooseOrtBundle('plain', scope);
    expect(scope[ORT_BUNDLE_CHOICE]).toBe('asyncify');
  });
});

describe('creating sessions', () => {
  it('creates one at a time, in the order asked, each timed from its own start', async () => {
    const events: string[] = [];
    const gates: Array<() => void> = [];
    const session = {
      create: (name: string) =>
        new Promise<{ release(): Promise<void> }>((resolve) => {
          events.push(`start ${name}`);
          gates.push(() => {
            events.push(`end ${name}`);
            resolve({ release: async () => {} });
          });
        }),
    };
    const durations: number[] = [];
    const stop = onSessionCreated(session as never, (ms) => durations.push(ms));
    const create = session.create as unknown as (name: string) => Promise<unknown>;
    const all = Promise.all([create('decoder'), create('embeddings'), create('vision')]);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 5));
      gates[i]();
    }
    await all;
    stop();
    expect(events).toEqual(['start decoder', 'end decoder', 'start embeddings', 'end embeddings', 'start vision', 'end vision']);
    expect(durations).toHaveLength(3);
  });

  it('goes on with the next after one fails', async () => {
    let calls = 0;
    const session = {
      create: async () => {
        calls++;
        if (calls === 1) throw new Error('bad graph');
        return { release: async () => {} };
      },
    };
    const stop = onSessionCreated(session, () => {});
    const [first, second] = await Promise.allSettled([session.create(), session.create()]);
    stop();
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('fulfilled');
  });
});
