// The models offered in the picker, as typed data. Sizes are never trusted from here: they are
// read from the hub when a model is inspected.
export interface CatalogEntry {
  repoId: string;
  label: string;
  lab: string;
  parameters: string;
  /** One line on what the model is good at. */
  strengths: string;
  /** Template leaves the answer inside an open <think> block (DeepSeek-R1 distills). */
  reasoningStartsOpen?: boolean;
  /** Knows the Qwen3 `enable_thinking` switch. */
  thinkingToggle?: boolean;
}

export const CATALOG: readonly CatalogEntry[] = [
  {
    repoId: 'onnx-community/Qwen3-0.6B-ONNX',
    label: 'Qwen3 0.6B',
    lab: 'Alibaba Qwen',
    parameters: '0.6B',
    strengths: 'Fast general chat with optional step-by-step thinking.',
    thinkingToggle: true,
  },
  {
    repoId: 'onnx-community/Qwen3-1.7B-ONNX',
    label: 'Qwen3 1.7B',
    lab: 'Alibaba Qwen',
    parameters: '1.7B',
    strengths: 'Noticeably better reasoning than 0.6B; needs a GPU to feel quick.',
    thinkingToggle: true,
  },
  {
    repoId: 'onnx-community/Qwen2.5-0.5B-Instruct',
    label: 'Qwen2.5 0.5B Instruct',
    lab: 'Alibaba Qwen',
    parameters: '0.5B',
    strengths: 'Small, quick instruction following; runs acceptably on CPU.',
  },
  {
    repoId: 'onnx-community/glm-edge-1.5b-chat-ONNX',
    label: 'GLM-Edge 1.5B Chat',
    lab: 'Zhipu AI (Z.ai)',
    parameters: '1.5B',
    strengths: 'Edge-oriented bilingual (Chinese/English) chat.',
  },
  {
    repoId: 'onnx-community/DeepSeek-R1-Distill-Qwen-1.5B-ONNX',
    label: 'DeepSeek-R1 Distill Qwen 1.5B',
    lab: 'DeepSeek',
    parameters: '1.5B',
    strengths: 'Shows its reasoning before answering maths and logic questions.',
    reasoningStartsOpen: true,
  },
];

export function findCatalogEntry(repoId: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.repoId === repoId);
}
