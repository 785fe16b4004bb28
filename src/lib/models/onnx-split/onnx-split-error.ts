import { EngineError } from '../../engines/errors';

/**
 * Why a file could not be split: `truncated` (it ends inside a field), `malformed` (not protobuf,
 * or not an ONNX model), `unsupported` (a model this splitter leaves as it is: its weights are
 * already external, or its graph is not small without them). The file itself is left untouched.
 */
export type OnnxSplitFailure = 'truncated' | 'malformed' | 'unsupported';

export class OnnxSplitError extends EngineError {
  override name = 'OnnxSplitError';

  constructor(
    readonly failure: OnnxSplitFailure,
    detail: string,
  ) {
    super(`Can't split this ONNX file: ${detail}.`);
  }
}
