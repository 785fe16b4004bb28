// Splits an inline weight file while it is being stored: the bytes written go through the
// splitter as they arrive, its weights into `<path>_data` and, at the end, its graph into `<path>`.
// The original is never stored, so a download is split without a second pass over its bytes and
// needs room for the model once, not twice. Both entries stay pending until close(), which a
// download calls only once the whole original has matched its sha256: a damaged, cut or cancelled
// download leaves neither behind.
import type { ModelStore } from '../model-store';
import { splitToStore, type SplitFile, type SplitTarget } from './split-stored-file';

/**
 * How far the splitter may lag behind the writes before a write waits. The data file's own writer
 * buffers 16 MiB ahead of the Cache API; this only absorbs the splitter's uneven pace (it reads a
 * tensor's header byte by byte, then hands its weights on a chunk at a time).
 */
const SPLITTER_SLACK_BYTES = 4 * 2 ** 20;

/** Where a weight file's bytes go: write, then close to commit (or abort to discard). */
export interface SplittingWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the file, and commits the data file and then the graph. Throws OnnxSplitError for a file the splitter can't handle. */
  close(): Promise<void>;
  abort(reason: unknown): Promise<void>;
  /** The two files stored, once close() has resolved; null before. */
  readonly split: SplitFile | null;
}

export function openSplittingWriter(store: ModelStore, target: SplitTarget): SplittingWriter {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, new ByteLengthQueuingStrategy({ highWaterMark: SPLITTER_SLACK_BYTES }));
  const input = writable.getWriter();
  // The split ends, and commits, only once the input is closed: in close().
  const splitting: Promise<SplitFile> = splitToStore(store, target, readable);
  let failure: { error: unknown } | null = null;
  // A split that fails stops reading, which fails the next write with the split's own error.
  splitting.catch((error: unknown) => {
    failure ??= { error };
  });
  // A function, not inline checks: `failure` is set by a callback, which control-flow narrowing can't see.
  const throwIfFailed = (): void => {
    if (failure) throw failure.error;
  };
  const splitError = async (fallback: unknown): Promise<never> => {
    await splitting;
    throw fallback;
  };
  let split: SplitFile | null = null;
  return {
    get split() {
      return split;
    },
    async write(chunk) {
      throwIfFailed();
      await input.ready.catch(splitError);
      throwIfFailed();
      void input.write(chunk).catch(() => {});
    },
    async close() {
      throwIfFailed();
      await input.close().catch(splitError);
      split = await splitting;
    },
    async abort(reason) {
      // The split, reading an aborted input, fails and discards its data file.
      await input.abort(reason).catch(() => {});
      await splitting.catch(() => {});
    },
  };
}
