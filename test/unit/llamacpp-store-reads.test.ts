// A GGUF file handed to llama.cpp counts what is read from it, split where its tensor data
// starts, so a load that reads the weights twice (or the whole file in a phase that needs only
// its header) shows in the load's numbers.
import { describe, expect, it } from 'vitest';
import { CountingFile, ReadCounter } from '../../src/lib/engines/llamacpp/counting-file';
import { wasmMemoryParams } from '../../src/lib/engines/llamacpp/llamacpp-memory';

describe('CountingFile', () => {
  it('counts slices that begin before the tensor data as header reads, the rest as weight reads', async () => {
    const counter = new ReadCounter();
    const file = new CountingFile(new Blob([new Uint8Array(1000)]), 'model.gguf', counter);
    file.dataOffset = 100;
    expect(await file.slice(0, 64).arrayBuffer()).toHaveProperty('byteLength', 64);
    await file.slice(100, 600).arrayBuffer();
    await file.slice(600).arrayBuffer();
    // Past the end: only what the slice holds counts.
    await file.slice(900, 5000).arrayBuffer();
    expect(counter.headBytes).toBe(64);
    expect(counter.tensorBytes).toBe(500 + 400 + 100);
  });

  it('counts a read of the whole file as one that began in the header', async () => {
    const counter = new ReadCounter();
    const file = new CountingFile(new Blob([new Uint8Array(300)]), 'model.gguf', counter);
    file.dataOffset = 100;
    await file.arrayBuffer();
    expect(counter.headBytes).toBe(300);
    const reader = file.stream().getReader();
    while (!(await reader.read()).done);
    expect(counter.headBytes).toBe(600);
    expect(counter.tensorBytes).toBe(0);
  });

  it('counts everything as header reads until the tensor data is known, and keeps the name and bytes', async () => {
    const counter = new ReadCounter();
    const file = new CountingFile(new Blob([new Uint8Array([1, 2, 3, 4])]), 'a.gguf', counter);
    expect(file.name).toBe('a.gguf');
    expect(file.size).toBe(4);
    expect([...new Uint8Array(await file.slice(2).arrayBuffer())]).toEqual([3, 4]);
    expect(counter.headBytes).toBe(2);
  });
});

describe('wasmMemoryParams', () => {
  it('asks for an 8-bit KV cache (with flash attention) where the heads split into q8_0 blocks, and small micro-batches always', () => {
    expect(wasmMemoryParams({ key: 128, value: 128 })).toEqual({ n_batch: 512, n_ubatch: 128, cache_type_k: 'q8_0', cache_type_v: 'q8_0', flash_attn: true });
  });

  it("keeps llama.cpp's f16 KV cache for heads q8_0 can't hold (16 wide) or a GGUF that names no head size", () => {
    expect(wasmMemoryParams({ key: 16, value: 16 })).toEqual({ n_batch: 512, n_ubatch: 128 });
    expect(wasmMemoryParams({ key: 128, value: null })).toEqual({ n_batch: 512, n_ubatch: 128 });
  });
});
