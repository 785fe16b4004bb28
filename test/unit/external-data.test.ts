import { describe, expect, it } from 'vitest';
import { externalDataBlobs, externalDataFormat, externalDataPaths, graphsWithExternalData } from '../../src/lib/engines/transformers/external-data';
import { ModelFileMissingError } from '../../src/lib/engines/errors';

const file = (path: string) => ({ file: path, loadedBytes: 1, totalBytes: 1 });
const GRAPH = 'onnx/model_quantized.onnx';

describe('external data of a graph', () => {
  it('finds its chunks in chunk order, and nothing of other graphs', () => {
    const files = ['config.json', GRAPH, `${GRAPH}_data_2`, `${GRAPH}_data`, `${GRAPH}_data_10`, `${GRAPH}_data_1`, 'onnx/model_q4.onnx_data', `${GRAPH}_data.bak`].map(file);
    expect(externalDataPaths(GRAPH, files)).toEqual([`${GRAPH}_data`, `${GRAPH}_data_1`, `${GRAPH}_data_2`, `${GRAPH}_data_10`]);
  });

  it('is empty for an inline graph', () => {
    expect(externalDataPaths(GRAPH, [file(GRAPH), file('tokenizer.json')])).toEqual([]);
    expect(graphsWithExternalData([file(GRAPH), file('tokenizer.json')]).size).toBe(0);
    expect(externalDataFormat(new Map())).toBeNull();
  });

  it("maps every session graph of a vision-language model to its own data, and counts each graph's chunks by file name", () => {
    const decoder = 'onnx/decoder_model_merged_q4.onnx';
    const vision = 'onnx/vision_encoder.onnx';
    const embed = 'onnx/embed_tokens_quantized.onnx';
    const files = [decoder, `${decoder}_data`, `${decoder}_data_1`, vision, `${vision}_data`, embed, 'config.json'].map(file);
    const graphs = graphsWithExternalData(files);
    expect([...graphs]).toEqual([
      [decoder, [`${decoder}_data`, `${decoder}_data_1`]],
      [vision, [`${vision}_data`]],
    ]);
    expect(externalDataFormat(graphs)).toEqual({ 'decoder_model_merged_q4.onnx': 2, 'vision_encoder.onnx': 1 });
  });

  it('opens each as a Blob named as the graph names it, and fails on one the store lacks', async () => {
    const store = { fileUrl: (_model: unknown, path: string) => `https://store/${path}` };
    const stored = async (url: string) => (url.endsWith('_data') ? new Response(new Blob([new Uint8Array([1, 2, 3])])) : undefined);
    const model = { hub: 'h', repoId: 'r', revision: 'main' };
    const [blob] = await externalDataBlobs(store, stored, model, new Map([[GRAPH, [`${GRAPH}_data`]]]));
    expect(blob.path).toBe('model_quantized.onnx_data');
    expect(blob.data).toBeInstanceOf(Blob);
    expect(new Uint8Array(await blob.data.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    const missing = externalDataBlobs(store, stored, model, new Map([[GRAPH, [`${GRAPH}_data_1`]]]));
    await expect(missing).rejects.toBeInstanceOf(ModelFileMissingError);
    await expect(missing).rejects.toThrow(`"${GRAPH}_data_1"`);
  });
});
