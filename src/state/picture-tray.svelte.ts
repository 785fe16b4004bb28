// The pictures waiting to go with the next message: attached by picker, drop or paste, resized on
// the device for the loaded model, removable one by one before sending. Chat and side by side each
// keep their own.
import { MAX_PICTURES_PER_MESSAGE, PictureError, preparePicture, type PreparedPicture } from '../lib/vision/picture-input';
import { DEFAULT_PICTURE_SIZING, sameSizing, type PictureSizing } from '../lib/vision/image-budget';
import type { ChatImage } from '../lib/engines/types';

export class PictureTray {
  pictures = $state.raw<PreparedPicture[]>([]);
  /** Why the last attach (or part of it) was refused; cleared by the next one. */
  error = $state<string | null>(null);
  #resizing = $state(0);
  /** What pictures are sized for: the loaded model's grid under its budget. */
  #sizing: PictureSizing = DEFAULT_PICTURE_SIZING;

  /** Whether a picture is being resized (its token count isn't known yet). */
  get preparing(): boolean {
    return this.#resizing > 0;
  }

  get tokens(): number {
    return this.pictures.reduce((sum, picture) => sum + picture.tokens, 0);
  }

  get images(): ChatImage[] {
    return this.pictures.map((picture) => picture.image);
  }

  async attach(files: readonly File[]): Promise<void> {
    this.error = null;
    const room = MAX_PICTURES_PER_MESSAGE - this.pictures.length;
    const problems: string[] = [];
    if (files.length > room) problems.push(`A message takes up to ${MAX_PICTURES_PER_MESSAGE} pictures; ${files.length - Math.max(room, 0)} left out.`);
    await this.#resize(async () => {
      for (const file of files.slice(0, Math.max(room, 0))) {
        try {
          const picture = await this.#prepare(file, file.name || 'pasted picture');
          this.pictures = [...this.pictures, picture];
        } catch (error) {
          problems.push(error instanceof PictureError ? error.message : `"${file.name}" could not be attached: ${String(error)}`);
        }
      }
    });
    if (problems.length > 0) this.error = problems.join(' ');
  }

  /**
   * Sizes pictures for the model that will read them (another model may cut pictures into other
   * cells, with another minimum): the next ones attached, and those already waiting, resized again
   * from their files so their token count is what that model reads.
   */
  async sizeFor(sizing: PictureSizing): Promise<void> {
    this.#sizing = sizing;
    const stale = this.pictures.filter((picture) => !sameSizing(picture.sizing, sizing));
    if (stale.length === 0) return;
    const resized = new Map<PreparedPicture, PreparedPicture | null>();
    const problems: string[] = [];
    await this.#resize(async () => {
      for (const picture of stale) {
        try {
          resized.set(picture, await this.#prepare(picture.source, picture.image.name));
        } catch (error) {
          resized.set(picture, null);
          problems.push(error instanceof PictureError ? error.message : `"${picture.image.name}" could not be resized: ${String(error)}`);
        }
      }
    });
    // A newer sizing resizes them itself; a picture removed meanwhile stays removed.
    if (!sameSizing(this.#sizing, sizing)) return;
    this.pictures = this.pictures.flatMap((picture) => {
      const replacement = resized.get(picture);
      return replacement === undefined ? [picture] : replacement ? [replacement] : [];
    });
    if (problems.length > 0) this.error = problems.join(' ');
  }

  /** Adds pictures prepared elsewhere (a demo preset's drawings), then sizes them for the model if they were sized for another. */
  add(pictures: readonly PreparedPicture[]): Promise<void> {
    this.pictures = [...this.pictures, ...pictures].slice(0, MAX_PICTURES_PER_MESSAGE);
    this.error = null;
    return this.sizeFor(this.#sizing);
  }

  remove(index: number): void {
    this.pictures = this.pictures.filter((_, i) => i !== index);
    this.error = null;
  }

  /** Hands the pictures over (to a message) and empties the tray. */
  take(): PreparedPicture[] {
    const taken = this.pictures;
    this.pictures = [];
    this.error = null;
    return taken;
  }

  #prepare(file: Blob, name: string): Promise<PreparedPicture> {
    return preparePicture(file, name, this.#sizing.pixelBudget, this.#sizing.grid);
  }

  async #resize(work: () => Promise<void>): Promise<void> {
    this.#resizing++;
    try {
      await work();
    } finally {
      this.#resizing--;
    }
  }
}
