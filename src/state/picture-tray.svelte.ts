// The pictures waiting to go with the next message: attached by picker, drop or paste, resized on
// the device, removable one by one before sending. Chat and side by side each keep their own.
import { MAX_PICTURES_PER_MESSAGE, PictureError, preparePicture, type PreparedPicture } from '../lib/vision/picture-input';
import type { ChatImage } from '../lib/engines/types';

export class PictureTray {
  pictures = $state.raw<PreparedPicture[]>([]);
  /** Why the last attach (or part of it) was refused; cleared by the next one. */
  error = $state<string | null>(null);
  preparing = $state(false);

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
    this.preparing = true;
    try {
      for (const file of files.slice(0, Math.max(room, 0))) {
        try {
          const picture = await preparePicture(file, file.name || 'pasted picture');
          this.pictures = [...this.pictures, picture];
        } catch (error) {
          problems.push(error instanceof PictureError ? error.message : `"${file.name}" could not be attached: ${String(error)}`);
        }
      }
    } finally {
      this.preparing = false;
    }
    if (problems.length > 0) this.error = problems.join(' ');
  }

  /** Adds pictures prepared elsewhere (a demo preset's drawings). */
  add(pictures: readonly PreparedPicture[]): void {
    this.pictures = [...this.pictures, ...pictures].slice(0, MAX_PICTURES_PER_MESSAGE);
    this.error = null;
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
}
