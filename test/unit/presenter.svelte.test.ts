import { describe, expect, it } from 'vitest';
import { Presenter } from '../../src/state/presenter.svelte';
import { DEMO_PRESETS, findPreset } from '../../src/lib/presets/demo-presets';
import { VisitSettings } from '../../src/state/visit-settings.svelte';
import type { ModelSession } from '../../src/state/model-session.svelte';
import type { Chat } from '../../src/state/chat.svelte';

// Only what Presenter reads of a session and a chat; the real ones need a browser worker.
const idleSession = { ready: false, loadedModelId: null } as unknown as ModelSession;
const idleChat = { generating: false, send: async () => {} } as unknown as Chat;
const settings = () => new VisitSettings('', null);

describe('Presenter', () => {
  it('reads presenter mode and a known preset from the URL', () => {
    const presenter = new Presenter(settings(), idleSession, idleChat, '?presenter=1&preset=invoice-json');
    expect(presenter.active).toBe(true);
    expect(presenter.linkedPreset?.id).toBe('invoice-json');
    expect(presenter.presetError).toBeNull();
    expect(new Presenter(settings(), idleSession, idleChat, '?presenter=0').active).toBe(false);
  });

  it('an unknown preset id gets a message listing the valid ones', () => {
    const presenter = new Presenter(settings(), idleSession, idleChat, '?preset=nope');
    expect(presenter.linkedPreset).toBeNull();
    expect(presenter.presetError).toBe(`Unknown preset "nope". Valid presets: ${DEMO_PRESETS.map((p) => p.id).join(', ')}.`);
  });

  it('refuses to run a preset without a model, and runs it with the preset settings when one is ready', async () => {
    const visit = settings();
    const presenter = new Presenter(visit, idleSession, idleChat, '');
    const preset = findPreset('meeting-summary')!;
    await presenter.run(preset);
    expect(presenter.presetError).toMatch(/Load a model first/);
    expect(visit.presetTitle).toBeNull();

    const sent: string[] = [];
    const readySession = { ready: true, loadedModelId: 'x' } as unknown as ModelSession;
    const chat = { generating: false, send: async (text: string) => void sent.push(text) } as unknown as Chat;
    const ready = new Presenter(visit, readySession, chat, '');
    await ready.run(preset);
    expect(sent).toEqual([preset.prompt]);
    expect(visit.systemPrompt).toBe(preset.systemPrompt);
    expect(visit.params).toEqual(preset.params);
    expect(ready.presetError).toBeNull();
  });

  it('the shortcut is Alt+Shift+P and nothing else', () => {
    const key = (init: KeyboardEventInit) => init as KeyboardEvent;
    expect(Presenter.isShortcut(key({ altKey: true, shiftKey: true, code: 'KeyP' }))).toBe(true);
    expect(Presenter.isShortcut(key({ altKey: true, code: 'KeyP' }))).toBe(false);
    expect(Presenter.isShortcut(key({ altKey: true, shiftKey: true, ctrlKey: true, code: 'KeyP' }))).toBe(false);
  });
});

describe('demo presets', () => {
  it('have unique ids and usable settings', () => {
    expect(new Set(DEMO_PRESETS.map((p) => p.id)).size).toBe(DEMO_PRESETS.length);
    for (const preset of DEMO_PRESETS) {
      expect(preset.id).toMatch(/^[a-z0-9-]+$/);
      expect(preset.prompt.length).toBeGreaterThan(20);
      expect(preset.params.maxNewTokens).toBeGreaterThan(0);
    }
  });
});
