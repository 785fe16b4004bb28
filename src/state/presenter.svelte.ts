// Presenter mode and demo presets. `?presenter=1` shows the chat in large type without the settings
// panels (Alt+Shift+P or the visible button toggles it); `?preset=<id>` loads the linked model
// (`?model=`, `?hub=`) and runs the preset in the chat with no clicks.
import { DEMO_PRESETS, findPreset, unknownPresetMessage, type DemoPreset } from '../lib/presets/demo-presets';
import type { Chat } from './chat.svelte';
import { imageSupportOf } from '../lib/vision/image-support';
import { prepareTaskPictures } from '../lib/scorecard/task-pictures';
import type { ModelSession } from './model-session.svelte';
import type { VisitSettings } from './visit-settings.svelte';

export const PRESENTER_SHORTCUT = 'Alt+Shift+P';

export class Presenter {
  active = $state(false);
  /** A problem with the linked or picked preset (unknown id, no model ready, busy). */
  presetError = $state<string | null>(null);
  readonly presets = DEMO_PRESETS;
  /** The preset the URL asks for, if it names a known one. */
  readonly linkedPreset: DemoPreset | null = null;

  constructor(
    private readonly settings: VisitSettings,
    private readonly session: ModelSession,
    private readonly chat: Chat,
    search: string = location.search,
  ) {
    const query = new URLSearchParams(search);
    this.active = query.get('presenter') === '1';
    const id = query.get('preset');
    if (id !== null) {
      this.linkedPreset = findPreset(id.trim()) ?? null;
      if (!this.linkedPreset) this.presetError = unknownPresetMessage(id.trim());
    }
  }

  toggle(): void {
    this.active = !this.active;
    // Keep the address shareable: it says whether the page is in presenter mode.
    const url = new URL(location.href);
    if (this.active) url.searchParams.set('presenter', '1');
    else url.searchParams.delete('presenter');
    history.replaceState(history.state, '', url);
  }

  /** True for the presenter-mode keyboard shortcut. */
  static isShortcut(event: KeyboardEvent): boolean {
    return Boolean(event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === 'KeyP');
  }

  /** Runs a preset in the chat: its system prompt and settings for this visit, then its prompt. */
  async run(preset: DemoPreset): Promise<void> {
    if (!this.session.ready) {
      this.presetError = `Load a model first: "${preset.title}" runs in the chat with the loaded model.`;
      return;
    }
    if (this.chat.generating) {
      this.presetError = 'An answer is still being written: stop it or wait, then run the preset.';
      return;
    }
    if (preset.pictures?.length) {
      const support = imageSupportOf(this.session.runtime, this.session.loadedModelId);
      if (!support.supported) {
        this.presetError = `"${preset.title}" asks about a picture. ${support.reason}`;
        return;
      }
      this.chat.pictures.take();
      await this.chat.pictures.add(await prepareTaskPictures(preset, support.pixelBudget));
    }
    this.presetError = null;
    this.settings.useForVisit(preset.title, { systemPrompt: preset.systemPrompt, params: preset.params });
    await this.chat.send(preset.prompt);
  }

  /** The deep link: load the linked model unless it is already loaded, then run the linked preset. */
  async runLinked(): Promise<void> {
    const preset = this.linkedPreset;
    if (!preset) return;
    if (!this.session.ready || this.session.loadedModelId !== this.settings.modelId.trim()) await this.session.load();
    // A failed load shows its own error; the preset then waits for a click in the picker.
    if (this.session.ready) await this.run(preset);
  }
}
