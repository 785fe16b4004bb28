// What a view needs to know before it offers "Attach image": whether the model in use reads
// pictures, and if not, a reason to show beside the disabled control.
import type { ImageSupport, RuntimeInfo } from '../engines/types';

export function imageSupportOf(runtime: RuntimeInfo | null, modelId: string | null = null): ImageSupport {
  if (!runtime) return { supported: false, reason: 'Load a model that reads pictures (Qwen3.5) to attach one.' };
  if (runtime.images) return runtime.images;
  return { supported: false, reason: `${modelId ?? 'This model'} reads text only: load a model that sees pictures (Qwen3.5, or GLM-OCR for documents) to attach one.` };
}
