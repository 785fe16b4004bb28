// The hashing worker's side of streaming SHA-256: one running hash (hash-wasm, in WebAssembly) per
// file being downloaded. Requests arrive in order over one port, so each job sees its file's bytes
// in the order they were received; the download posts them and moves on, and waits only for the
// digest once the whole file is in. A job can be saved and started again from that state, which is
// how a download cut mid-file carries the hash of the bytes it already holds into the resumed one.
import { createSHA256, type IHasher } from 'hash-wasm';

export type HashRequest =
  /** A new job; `state` (from a `save` reply) continues a hash instead of starting one. */
  | { type: 'start'; job: number; state: Uint8Array | null }
  | { type: 'update'; job: number; chunk: Uint8Array }
  | { type: 'save'; job: number; reply: number }
  /** Ends the job. */
  | { type: 'digest'; job: number; reply: number }
  | { type: 'drop'; job: number };

export type HashReply =
  | { reply: number; state: Uint8Array }
  | { reply: number; digest: string }
  | { reply: number; error: string };

export type ReplyTo = (message: HashReply, transfer: Transferable[]) => void;

export class Sha256Jobs {
  /** Each job's hasher, after every update posted so far. */
  #jobs = new Map<number, Promise<IHasher>>();

  constructor(private readonly createHasher: () => Promise<IHasher> = createSHA256) {}

  /** How many jobs are open. */
  get size(): number {
    return this.#jobs.size;
  }

  handle(request: HashRequest, replyTo: ReplyTo): void {
    switch (request.type) {
      case 'start': {
        const { state } = request;
        this.#set(request.job, this.createHasher().then((hasher) => (state ? hasher.init().load(state) : hasher.init())));
        return;
      }
      case 'update': {
        const hasher = this.#jobs.get(request.job);
        if (hasher) this.#set(request.job, hasher.then((h) => h.update(request.chunk)));
        return;
      }
      case 'save':
        this.#answer(request.job, request.reply, replyTo, (h) => {
          const state = h.save();
          return [{ reply: request.reply, state }, [state.buffer]];
        });
        return;
      case 'digest':
        this.#answer(request.job, request.reply, replyTo, (h) => [{ reply: request.reply, digest: h.digest('hex') }, []]);
        this.#jobs.delete(request.job);
        return;
      case 'drop':
        this.#jobs.delete(request.job);
        return;
    }
  }

  #set(job: number, hasher: Promise<IHasher>): void {
    // A failure is reported by the job's next save or digest.
    hasher.catch(() => {});
    this.#jobs.set(job, hasher);
  }

  #answer(job: number, reply: number, replyTo: ReplyTo, answer: (hasher: IHasher) => [HashReply, Transferable[]]): void {
    const hasher = this.#jobs.get(job);
    if (!hasher) {
      replyTo({ reply, error: `no hashing job ${job}` }, []);
      return;
    }
    hasher.then(answer).then(
      ([message, transfer]) => replyTo(message, transfer),
      (error: unknown) => replyTo({ reply, error: String(error) }, []),
    );
  }
}
