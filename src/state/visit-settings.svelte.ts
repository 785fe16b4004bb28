// Settings that a demo preset can change for this visit only: the preset's system prompt and
// sampling settings are used, but saving keeps the user's own values for every field the user has
// not touched since the preset was applied.
import type { GenerationParams } from '../lib/engines/types';
import { Settings } from './settings.svelte';

interface GenerationChoice {
  systemPrompt: string;
  params: GenerationParams;
}

export class VisitSettings extends Settings {
  /** The preset whose settings are in use for this visit, or null. */
  presetTitle = $state<string | null>(null);
  #overlay: { saved: GenerationChoice; applied: GenerationChoice } | null = null;

  useForVisit(title: string, choice: GenerationChoice): void {
    const saved = this.#overlay?.saved ?? { systemPrompt: this.systemPrompt, params: { ...this.params } };
    this.systemPrompt = choice.systemPrompt;
    this.params = { ...choice.params };
    this.#overlay = { saved, applied: { systemPrompt: choice.systemPrompt, params: { ...choice.params } } };
    this.presetTitle = title;
  }

  /** Back to the user's own system prompt and sampling settings. */
  restoreSaved(): void {
    if (!this.#overlay) return;
    this.systemPrompt = this.#overlay.saved.systemPrompt;
    this.params = { ...this.#overlay.saved.params };
    this.#overlay = null;
    this.presetTitle = null;
  }

  override save(storage?: Storage | null): void {
    const overlay = this.#overlay;
    if (!overlay) return super.save(storage);
    const visit: GenerationChoice = { systemPrompt: this.systemPrompt, params: { ...this.params } };
    // A field still at the preset's value stores the user's own; one the user changed stores the change.
    const kept = (key: keyof GenerationParams) => (visit.params[key] === overlay.applied.params[key] ? overlay.saved.params[key] : visit.params[key]);
    this.systemPrompt = visit.systemPrompt === overlay.applied.systemPrompt ? overlay.saved.systemPrompt : visit.systemPrompt;
    this.params = {
      maxNewTokens: kept('maxNewTokens') as number,
      temperature: kept('temperature') as number,
      topP: kept('topP') as number,
      enableThinking: kept('enableThinking') as boolean,
    };
    try {
      super.save(storage);
    } finally {
      this.systemPrompt = visit.systemPrompt;
      this.params = visit.params;
    }
  }
}
