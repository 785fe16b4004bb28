// Splits an inline ONNX model (weights inside the protobuf) into the layout hub exports use for big
// models: a graph-only `.onnx` whose initializers point into `<name>.onnx_data`, and that data
// file. onnxruntime-web then takes the data as a Blob that never passes through JS memory, and the
// `.onnx` it copies into its heap is the graph alone instead of the whole weights.
//
// It reads the model as a stream and holds only the graph (everything but the moved bytes) and the
// chunk in hand: the weights go straight from the input stream to `writeData`.
import { OnnxSplitError } from './onnx-split-error';
import { ByteBudget, ByteStream, MessageWriter, WIRE, copyField } from './protobuf-stream';

export { OnnxSplitError } from './onnx-split-error';

/** ModelProto.graph, GraphProto.initializer, TensorProto fields (onnx/onnx.proto). */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const DATA_LOCATION_EXTERNAL = 1;

/** ModelProto's fields and their wire types: a stream that breaks these is not an ONNX model. */
const MODEL_FIELD_WIRES: Record<number, number> = {
  1: WIRE.VARINT, // ir_version
  2: WIRE.LEN, // producer_name
  3: WIRE.LEN, // producer_version
  4: WIRE.LEN, // domain
  5: WIRE.VARINT, // model_version
  6: WIRE.LEN, // doc_string
  7: WIRE.LEN, // graph
  8: WIRE.LEN, // opset_import
  14: WIRE.LEN, // metadata_props
  20: WIRE.LEN, // training_info
  25: WIRE.LEN, // functions
  26: WIRE.LEN, // configuration
};

/** What every model onnxruntime loads has (a cut after the graph leaves no opset_import). */
const REQUIRED_MODEL_FIELDS: [number, string][] = [
  [1, 'ir_version'],
  [MODEL_GRAPH, 'graph'],
  [8, 'opset_import'],
];

/** onnx's `convert_model_to_external_data` default: smaller tensors stay in the graph. */
export const DEFAULT_SIZE_THRESHOLD = 1024;
/**
 * Tensors of at least 1 MiB (onnxruntime's own `align_threshold` when it saves external data)
 * start on a 4 KiB page, the offset onnx's external data spec recommends for memory mapping.
 * onnxruntime-web reads ranges either way; the padding costs under 4 KiB per big tensor.
 */
export const DEFAULT_ALIGN_THRESHOLD = 1024 * 1024;
export const DEFAULT_ALIGNMENT = 4096;
/** A graph without its weights is a few MB even for billions of parameters; more means weights this splitter leaves in place. */
export const DEFAULT_MAX_GRAPH_BYTES = 64 * 1024 * 1024;

export interface SplitOptions {
  /** The data file's name, as the graph will name it: `model_q4.onnx_data` beside `model_q4.onnx`. */
  dataFileName: string;
  /** Receives the data file's bytes in order. Awaited: a slow disk slows the reading, not the memory. */
  writeData(piece: Uint8Array): Promise<void>;
  /** Initializers with at least this many bytes of raw_data move to the data file. */
  sizeThreshold?: number;
  alignThreshold?: number;
  alignment?: number;
  maxGraphBytes?: number;
  /** Bytes of the model read so far. */
  onProgress?(readBytes: number): void;
}

export interface SplitResult {
  /** The graph-only model, to store as the `.onnx`. */
  graph: Uint8Array<ArrayBuffer>;
  /** Bytes written to the data file (the moved tensors and the padding between them). */
  dataBytes: number;
  movedTensors: number;
  /** Size of the inline model read. */
  inputBytes: number;
}

/**
 * Reads an inline model from `model` and writes its weights to `writeData`; returns the graph.
 * Throws OnnxSplitError when the stream is not a complete ONNX model, or is one whose weights are
 * already external; what `writeData` received is then to be thrown away.
 *
 * What moves: the raw_data of the main graph's initializers. What stays, as onnx's own converter
 * leaves it: tensors in typed fields (float_data, ...), node attributes (Constant), and subgraphs
 * (If/Loop bodies), which hub exports keep small.
 */
export async function splitOnnx(model: ReadableStream<Uint8Array>, options: SplitOptions): Promise<SplitResult> {
  const splitter = new Splitter(new ByteStream(model), options);
  try {
    return await splitter.run();
  } catch (error) {
    await splitter.source.cancel(error);
    throw error;
  }
}

class Splitter {
  readonly #options: Required<Omit<SplitOptions, 'onProgress'>> & Pick<SplitOptions, 'onProgress'>;
  readonly #budget: ByteBudget;
  #dataBytes = 0;
  #movedTensors = 0;

  constructor(
    readonly source: ByteStream,
    options: SplitOptions,
  ) {
    this.#options = {
      sizeThreshold: DEFAULT_SIZE_THRESHOLD,
      alignThreshold: DEFAULT_ALIGN_THRESHOLD,
      alignment: DEFAULT_ALIGNMENT,
      maxGraphBytes: DEFAULT_MAX_GRAPH_BYTES,
      ...options,
    };
    this.#budget = new ByteBudget(this.#options.maxGraphBytes);
  }

  async run(): Promise<SplitResult> {
    const { source } = this;
    const model = new MessageWriter(this.#budget);
    let graphs = 0;
    const seen = new Set<number>();
    if (await source.atEnd()) throw new OnnxSplitError('malformed', 'the file is empty');
    while (!(await source.atEnd())) {
      const tag = await source.tag();
      const wire = MODEL_FIELD_WIRES[tag.field];
      if (wire !== undefined && wire !== tag.wire) {
        throw new OnnxSplitError('malformed', `it is not an ONNX model (field ${tag.field} has wire type ${tag.wire}, before byte ${source.position})`);
      }
      seen.add(tag.field);
      if (tag.field === MODEL_GRAPH) {
        if (++graphs > 1) throw new OnnxSplitError('malformed', 'it has two graphs');
        const length = await source.length(Infinity);
        model.message(MODEL_GRAPH, await this.#graph(source.position + length));
      } else {
        await copyField(source, tag, model, Infinity);
      }
      this.#options.onProgress?.(source.position);
    }
    for (const [field, what] of REQUIRED_MODEL_FIELDS) {
      if (!seen.has(field)) throw new OnnxSplitError('malformed', `it is not a complete ONNX model (it has no ${what})`);
    }
    return { graph: model.finish(), dataBytes: this.#dataBytes, movedTensors: this.#movedTensors, inputBytes: source.position };
  }

  async #graph(end: number): Promise<MessageWriter> {
    const { source } = this;
    const graph = new MessageWriter(this.#budget);
    while (source.position < end) {
      const tag = await source.tag();
      if (tag.field === GRAPH_INITIALIZER && tag.wire === WIRE.LEN) {
        const length = await source.length(end);
        graph.message(GRAPH_INITIALIZER, await this.#tensor(source.position + length));
      } else {
        await copyField(source, tag, graph, end);
      }
      this.#checkEnd(end);
    }
    return graph;
  }

  /** An initializer: copied field by field, except a big raw_data, which goes to the data file. */
  async #tensor(end: number): Promise<MessageWriter> {
    const { source } = this;
    const tensor = new MessageWriter(this.#budget);
    let moved: { offset: number; length: number } | null = null;
    let location: Uint8Array | null = null;
    while (source.position < end) {
      const tag = await source.tag();
      if (tag.field === TENSOR_DATA_LOCATION && tag.wire === WIRE.VARINT) {
        // Written after the other fields, once it is known whether the data moved.
        location = await source.varintBytes();
      } else if (tag.field === TENSOR_RAW_DATA && tag.wire === WIRE.LEN) {
        const length = await source.length(end);
        if (length < this.#options.sizeThreshold) {
          tensor.tag(tag.field, tag.wire);
          tensor.varint(length);
          await tensor.copyFrom(source, length);
        } else {
          moved = { offset: await this.#padForAlignment(length), length };
          await source.pipe(length, (piece) => this.#write(piece));
          this.#options.onProgress?.(source.position);
        }
      } else {
        await copyField(source, tag, tensor, end);
      }
      this.#checkEnd(end);
    }
    if (location?.[0] === DATA_LOCATION_EXTERNAL) {
      // Its data is in a file this splitter does not have: the model is not inline.
      throw new OnnxSplitError('unsupported', 'it already keeps weights in external data');
    }
    if (moved) {
      const entries = [['location', this.#options.dataFileName], ['offset', String(moved.offset)], ['length', String(moved.length)]];
      for (const [key, value] of entries) {
        const entry = new MessageWriter(this.#budget);
        entry.string(ENTRY_KEY, key!);
        entry.string(ENTRY_VALUE, value!);
        tensor.message(TENSOR_EXTERNAL_DATA, entry);
      }
      tensor.tag(TENSOR_DATA_LOCATION, WIRE.VARINT);
      tensor.varint(DATA_LOCATION_EXTERNAL);
      this.#movedTensors++;
    } else if (location) {
      tensor.tag(TENSOR_DATA_LOCATION, WIRE.VARINT);
      tensor.bytes(location);
    }
    return tensor;
  }

  #checkEnd(end: number): void {
    if (this.source.position > end) throw new OnnxSplitError('malformed', `a field runs past the end of its message (byte ${end})`);
  }

  /** Writes zeros up to the next aligned offset when a tensor this big should start on one; returns its offset. */
  async #padForAlignment(length: number): Promise<number> {
    const { alignment, alignThreshold } = this.#options;
    if (length >= alignThreshold) {
      const padding = (alignment - (this.#dataBytes % alignment)) % alignment;
      if (padding > 0) await this.#write(new Uint8Array(padding));
    }
    return this.#dataBytes;
  }

  async #write(piece: Uint8Array): Promise<void> {
    this.#dataBytes += piece.length;
    await this.#options.writeData(piece);
  }
}
