// Why a GGUF file was refused. The UI switches on `name` (Comlink carries only name/message), so
// the names are stable; the messages say what a person can do about it.
import { EngineError } from '../../engines/errors';

export class GgufError extends EngineError {
  override name = 'GgufError';
}

/** The file doesn't start with "GGUF": another format, or not a model at all. */
export class GgufBadMagicError extends GgufError {
  override name = 'GgufBadMagicError';
  constructor(readonly found: string) {
    super(`This is not a GGUF file: it starts with "${found}", not "GGUF".`);
  }
}

export class GgufUnsupportedVersionError extends GgufError {
  override name = 'GgufUnsupportedVersionError';
  constructor(readonly version: number) {
    super(
      version === 1
        ? 'This GGUF file is version 1, which llama.cpp no longer reads. Convert it again with a current llama.cpp.'
        : `This GGUF file is version ${version}; only versions 2 and 3 can be read.`,
    );
  }
}

/** The file ends before what its header declares: a cut download or a partial copy. */
export class GgufTruncatedError extends GgufError {
  override name = 'GgufTruncatedError';
  constructor(
    readonly part: 'header' | 'tensor-data',
    readonly neededBytes: number,
    readonly fileBytes: number,
  ) {
    super(
      part === 'header'
        ? `The GGUF file ends inside its header (${fileBytes} bytes; the header needs more). The file is incomplete: download it again.`
        : `The GGUF file is ${fileBytes} bytes but its tensors need ${neededBytes}. The file is incomplete: download it again.`,
    );
  }
}

/** A count or length past what any real model needs: refused before anything that size is allocated. */
export class GgufLimitError extends GgufError {
  override name = 'GgufLimitError';
  constructor(
    readonly what: string,
    /** null when the value is only known to be past the limit. */
    readonly value: number | bigint | null,
    readonly limit: number,
  ) {
    super(
      value === null
        ? `The GGUF file's ${what} is past the limit of ${limit}. The file is damaged or not a model.`
        : `The GGUF file declares ${what} = ${value}, past the limit of ${limit}. The file is damaged or not a model.`,
    );
  }
}

/** Well-formed bytes that don't make a valid GGUF: unknown types, misaligned tensors, missing keys. */
export class GgufFormatError extends GgufError {
  override name = 'GgufFormatError';
}

/** A model whose architecture the bundled llama.cpp build can't run (or that this app doesn't offer). */
export class GgufUnsupportedArchitectureError extends GgufError {
  override name = 'GgufUnsupportedArchitectureError';
  constructor(
    readonly architecture: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}
