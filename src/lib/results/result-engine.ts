// The engine a benchmark row or scorecard run was taken with. Files and links written before the
// engine was recorded lack it: such a row ran on the engine its model id loads with, which is
// what the app decided then too (a WebLLM build by its catalog id, everything else ONNX).
import type { EngineKind } from '../engines/types';
import { engineOfModel } from '../models/model-engine';

export function recordedEngine(item: { modelId: string; engine?: EngineKind }): EngineKind {
  return item.engine ?? engineOfModel(item.modelId);
}
