import { describe, expect, it } from 'vitest';
import { Settings, validParams } from '../../src/state/settings.svelte';
import { memoryStorage } from './support/memory-storage';


describe('Settings', () => {
  it('takes hub and model from the URL over stored values', () => {
    const storage = memoryStorage();
    const stored = new Settings('', storage);
    stored.hub = 'https://stored.example';
    stored.modelId = 'org/stored';
    stored.save(storage);
    const fromUrl = new Settings('?hub=http://127.0.0.1:8080/&model=fixtures/tiny-qwen3', storage);
    expect(fromUrl.hub).toBe('http://127.0.0.1:8080');
    expect(fromUrl.modelId).toBe('fixtures/tiny-qwen3');
    expect(new Settings('', storage).hub).toBe('https://stored.example');
  });

  it("keeps a link's hub to the visit: saving stores the hub from before, unless the user typed another", () => {
    const storage = memoryStorage();
    const mine = new Settings('', storage);
    mine.hub = 'https://mirror.mine.example';
    mine.save(storage);
    const visit = new Settings('?hub=http://127.0.0.1:8080/&model=fixtures/tiny-qwen3', storage);
    visit.save(storage);
    const next = new Settings('', storage);
    expect(next.hub).toBe('https://mirror.mine.example');
    // Other choices made on that visit are kept.
    expect(next.modelId).toBe('fixtures/tiny-qwen3');
    // A hub the user types on such a visit is theirs.
    visit.hub = 'https://typed.example';
    visit.save(storage);
    expect(new Settings('', storage).hub).toBe('https://typed.example');
  });

  it('reports a bad hub in the URL instead of using it', () => {
    const settings = new Settings('?hub=ftp://nope', memoryStorage());
    expect(settings.hub).toBe('https://huggingface.co');
    expect(settings.hubError).toMatch(/http/);
  });

  it('repairs cleared or nonsensical generation numbers', () => {
    expect(validParams({ maxNewTokens: null as unknown as number, temperature: -1, topP: 7, enableThinking: true })).toEqual({
      maxNewTokens: 512,
      temperature: 0,
      topP: 1,
      enableThinking: true,
    });
    const storage = memoryStorage();
    storage.setItem('playground.settings.v1', JSON.stringify({ params: { maxNewTokens: null } }));
    expect(new Settings('', storage).params.maxNewTokens).toBe(512);
  });

  it("keeps the engine picked for a model family across visits, and reads an unknown one as Auto", () => {
    const storage = memoryStorage();
    const settings = new Settings('', storage);
    expect(settings.engineOverride).toBeNull();
    settings.engineOverride = 'llamacpp';
    settings.save(storage);
    expect(new Settings('', storage).engineOverride).toBe('llamacpp');
    storage.setItem('playground.settings.v1', JSON.stringify({ engineOverride: 'tensorrt' }));
    expect(new Settings('', storage).engineOverride).toBeNull();
  });
});
