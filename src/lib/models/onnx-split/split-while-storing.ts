// Splits an inline weight file while it is being stored: the bytes written go through the
// splitter as they arrive, its weights into `<path>_data` and, at the end, its graph into `<path>`.
// The original is never stored, so a download is split without a second pass over its bytes and
// needs room for the model once, not twice. Both entries stay pending until close(), which a
// download calls only once the whole original has matched its sha256: a damaged, cut or cancelled
// download leaves neither behind.
import type { ModelStore } from '../model-store';
import { splitOnnx, type SplitResult } from './onnx-split';
import type { SplitFile } from './split-stored-file';

/**
 * How far the splitter may lag behind the writes before a write waits. The data file's own writer
 * buffers 16 MiB ahead of the Cache API; this only absorbs the splitter's uneven pace (it reads a
 * tensor's header byte by byte, then hands its weights on a chunk at a time).
 */
const SPLITTER_SLACK_BYTES = 4 * 2 ** 20;

export interface SplittingTarget {
  /** The weight file's path (`onnx/model_quantized.onnx`) and the URL its graph is stored at. */
  path: string;
  url: string;
  /** The data file's path (`onnx/model_quantized.onnx_data`) and URL. */
  dataPath: string;
  dataUrl: string;
}

/** Where a weight file's bytes go: write, then close to commit (or abort to discard). */
export interface SplittingWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the file, and commits the data file and then the graph. Throws OnnxSplitError for a file the splitter can't handle. */
  close(): Promise<void>;
  abort(reason: unknown): Promise<void>;
  /** The two files stored, once close() has resolved; null before. */
  readonly split: SplitFile | null;
}

export function openSplittingWriter(store: ModelStore, target: SplittingTarget): SplittingWriter {
  const data = store.openWriter(target.dataUrl, null, 'application/octet-stream', null);
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, new ByteLengthQueuingStrategy({ highWaterMark: SPLITTER_SLACK_BYTES }));
  const input = writable.getWriter();
  const splitting: Promise<SplitResult> = splitOnnx(readable, {
    dataFileName: target.dataPath.slice(target.dataPath.lastIndexOf('/') + 1),
    writeData: (piece) => data.write(piece),
  });
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
      if (failure) throw failure.error;
      await input.close().catch(splitError);
      let result: SplitResult;
      try {
        result = await splitting;
        await data.close();
      } catch (error) {
        await data.abort(error);
        throw error;
      }
      try {
        await store.put(target.url, new Blob([result.graph]), 'application/octet-stream', null);
      } catch (error) {
        // A data file with no graph beside it describes nothing.
        await store.deleteUrls([target.dataUrl]).catch(() => {});
        throw error;
      }
      split = { graph: { path: target.path, size: result.graph.length }, data: { path: target.dataPath, size: result.dataBytes } };
    },
    async abort(reason) {
      await input.abort(reason).catch(() => {});
      await splitting.catch(() => {});
      await data.abort(reason);
    },
  };
}
