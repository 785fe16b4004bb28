// Starting an inference worker and noticing its death, with a stand-in Worker (a MessagePort the
// real worker API is exposed on) and a Web Locks stand-in that grants a lock once its holder lets
// go, as the browser does when the holding worker ends.
import { expose } from 'comlink';
import { describe, expect, it, vi } from 'vitest';
import { inferenceWorkerStarter } from '../../src/lib/engines/worker-client';
import { createInferenceApi } from '../../src/lib/engines/inference-api';
import { ScriptedEngine } from './support/fake-inference-worker';

/** Locks by name: request() waits until every earlier holder of that name has finished. */
class FakeLocks implements Pick<LockManager, 'request'> {
  #tails = new Map<string, Promise<unknown>>();

  request(name: string, callback: LockGrantedCallback<unknown>): Promise<unknown>;
  request(name: string, _options: LockOptions, callback: LockGrantedCallback<unknown>): Promise<unknown>;
  request(name: string, ...rest: unknown[]): Promise<unknown> {
    const callback = rest.at(-1) as LockGrantedCallback<unknown>;
    const previous = this.#tails.get(name) ?? Promise.resolve();
    const run = previous.then(() => callback(null));
    this.#tails.set(name, run.catch(() => {}));
    return run;
  }
}

/** A Worker whose other end runs the real worker API in this thread. */
function fakeWorkerFactory(locks: FakeLocks) {
  const workers: { worker: Worker; die(): void; terminate: ReturnType<typeof vi.fn>; fail(message: string): void }[] = [];
  const create = () => {
    const { port1, port2 } = new MessageChannel();
    let release: () => void = () => {};
    const api = createInferenceApi(async () => new ScriptedEngine());
    // The worker's side of the life lock: held until the worker "dies".
    api.holdLifeLock = (name: string) =>
      new Promise<void>((held) => {
        void locks.request(name, () => {
          held();
          return new Promise<void>((resolve) => (release = resolve));
        });
      });
    expose(api, port2);
    const errorListeners: ((event: ErrorEvent) => void)[] = [];
    const terminate = vi.fn(() => {
      port1.close();
      release();
    });
    const worker = {
      postMessage: port1.postMessage.bind(port1),
      addEventListener: (type: string, listener: (event: never) => void) => {
        if (type === 'error') errorListeners.push(listener as never);
        else port1.addEventListener(type, listener as never);
      },
      removeEventListener: port1.removeEventListener.bind(port1),
      start: () => port1.start(),
      terminate,
    } as unknown as Worker;
    workers.push({
      worker,
      terminate,
      die: () => release(),
      fail: (message) => errorListeners.forEach((l) => l({ message, preventDefault() {} } as ErrorEvent)),
    });
    return worker;
  };
  return { create, workers };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('inferenceWorkerStarter', () => {
  it('reports a worker that ends by itself, once', async () => {
    const locks = new FakeLocks();
    const { create, workers } = fakeWorkerFactory(locks);
    const onExit = vi.fn();
    const endpoint = await inferenceWorkerStarter(create, locks)(onExit);
    expect(typeof endpoint.api.load).toBe('function');
    await settle();
    expect(onExit).not.toHaveBeenCalled();
    workers[0].die();
    await settle();
    expect(onExit).toHaveBeenCalledExactlyOnceWith('the inference worker stopped unexpectedly');
    expect(workers[0].terminate).toHaveBeenCalled();
  });

  it('reports an error event from the worker with its message', async () => {
    const locks = new FakeLocks();
    const { create, workers } = fakeWorkerFactory(locks);
    const onExit = vi.fn();
    await inferenceWorkerStarter(create, locks)(onExit);
    workers[0].fail('out of memory');
    await settle();
    expect(onExit).toHaveBeenCalledExactlyOnceWith('the inference worker failed: out of memory');
  });

  it('does not report a worker it was asked to end', async () => {
    const locks = new FakeLocks();
    const { create, workers } = fakeWorkerFactory(locks);
    const onExit = vi.fn();
    const endpoint = await inferenceWorkerStarter(create, locks)(onExit);
    endpoint.terminate();
    await settle();
    expect(workers[0].terminate).toHaveBeenCalledOnce();
    expect(onExit).not.toHaveBeenCalled();
  });
});
