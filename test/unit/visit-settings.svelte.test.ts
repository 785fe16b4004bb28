import { describe, expect, it } from 'vitest';
import { VisitSettings } from '../../src/state/visit-settings.svelte';
import { memoryStorage } from './support/memory-storage';


const stored = (storage: Storage) => JSON.parse(storage.getItem('playground.settings.v1')!);
const preset = { systemPrompt: 'You extract data.', params: { maxNewTokens: 400, temperature: 0, topP: 1, enableThinking: false } };

describe('VisitSettings', () => {
  it("uses a preset's settings for this visit without saving them over the user's", () => {
    const storage = memoryStorage();
    const settings = new VisitSettings('', storage);
    settings.systemPrompt = 'Mine.';
    settings.params.temperature = 0.9;
    settings.save(storage);

    settings.useForVisit('Invoice to JSON', preset);
    expect(settings.systemPrompt).toBe('You extract data.');
    expect(settings.params).toEqual(preset.params);
    // Something else is saved meanwhile (the model picked): the user's generation settings stay.
    settings.modelId = 'org/other';
    settings.save(storage);
    expect(stored(storage)).toMatchObject({ modelId: 'org/other', systemPrompt: 'Mine.', params: { temperature: 0.9, maxNewTokens: 512 } });
    // The visit still uses the preset.
    expect(settings.systemPrompt).toBe('You extract data.');
    expect(settings.params.temperature).toBe(0);
    expect(new VisitSettings('', storage).systemPrompt).toBe('Mine.');
  });

  it('saves a field the user changes after the preset, and only that one', () => {
    const storage = memoryStorage();
    const settings = new VisitSettings('', storage);
    settings.useForVisit('Invoice to JSON', preset);
    settings.params.maxNewTokens = 100;
    settings.save(storage);
    expect(stored(storage)).toMatchObject({ systemPrompt: 'You are a helpful assistant.', params: { maxNewTokens: 100, temperature: 0.7, topP: 0.9 } });
  });

  it('goes back to the saved settings on request', () => {
    const storage = memoryStorage();
    const settings = new VisitSettings('', storage);
    settings.useForVisit('A', preset);
    settings.useForVisit('B', { ...preset, systemPrompt: 'Second.' });
    expect(settings.presetTitle).toBe('B');
    settings.restoreSaved();
    expect(settings.presetTitle).toBeNull();
    expect(settings.systemPrompt).toBe('You are a helpful assistant.');
    expect(settings.params.maxNewTokens).toBe(512);
  });
});
