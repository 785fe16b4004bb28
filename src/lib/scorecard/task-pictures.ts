// A task's pictures as the model reads them: a drawing is laid out and painted as a PNG, a user's
// own picture is its decoded base64; either then goes through preparePicture, like a picture
// attached in the chat (decoded, resized on the device to the pixel budget, a thumbnail made).
// Prepared once per task and budget: a suite runs on many models, and a view shows the pictures.
import { layoutDrawing } from '../vision/drawn-pictures';
import { paintDrawing } from '../vision/paint-drawing';
import { preparePicture, type PreparedPicture } from '../vision/picture-input';
import { summarizeError } from '../engines/errors';
import { pictureBytes, pictureName } from './suite-pictures';
import type { ScorecardSuite, ScorecardTask, TaskPicture } from './suite-types';

export type PreparePictures = (task: ScorecardTask, pixelBudget: number) => Promise<PreparedPicture[]>;

export async function prepareTaskPictures(task: Pick<ScorecardTask, 'pictures'>, pixelBudget: number): Promise<PreparedPicture[]> {
  const prepared: PreparedPicture[] = [];
  for (const picture of task.pictures ?? []) prepared.push(await preparePicture(await pictureFile(picture), pictureName(picture), pixelBudget));
  return prepared;
}

async function pictureFile(picture: TaskPicture): Promise<Blob> {
  if ('draw' in picture) return paintDrawing(layoutDrawing(picture.draw));
  return new Blob([pictureBytes(picture.data) as Uint8Array<ArrayBuffer>], { type: picture.type });
}

export class TaskPictures {
  /** Kept while the task object is (a suite's tasks live as long as the suite does). */
  #prepared = new WeakMap<ScorecardTask, Map<number, Promise<PreparedPicture[]>>>();

  constructor(private readonly prepare: PreparePictures = prepareTaskPictures) {}

  of(task: ScorecardTask, pixelBudget: number): Promise<PreparedPicture[]> {
    if (!task.pictures?.length) return Promise.resolve([]);
    let byBudget = this.#prepared.get(task);
    if (!byBudget) this.#prepared.set(task, (byBudget = new Map()));
    let prepared = byBudget.get(pixelBudget);
    if (!prepared) {
      prepared = this.prepare(task, pixelBudget);
      byBudget.set(pixelBudget, prepared);
      // A failure is not kept: the next try prepares again.
      prepared.catch(() => byBudget.delete(pixelBudget));
    }
    return prepared;
  }

  /**
   * Prepares every picture of a suite and names the task of each one that fails: the suite reader
   * checked the headers, and decoding finds a damaged file before a run does.
   */
  async problemsOf(suite: ScorecardSuite, pixelBudget: number): Promise<string[]> {
    const problems: string[] = [];
    for (const [i, task] of suite.tasks.entries()) {
      try {
        await this.of(task, pixelBudget);
      } catch (error) {
        problems.push(`task ${i + 1} ("${task.id}"): ${summarizeError(error).message}`);
      }
    }
    return problems;
  }
}
