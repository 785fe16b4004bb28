// The app's views (tabs) and which one a URL opens: `?view=benchmark` and so on.
export const VIEWS = [
  { id: 'chat', label: 'Chat' },
  { id: 'models', label: 'Models' },
  { id: 'device', label: 'Device' },
  { id: 'benchmark', label: 'Benchmark' },
  { id: 'side-by-side', label: 'Side by side' },
  { id: 'scorecard', label: 'Scorecard' },
  { id: 'results', label: 'Results' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export function initialView(search: string): ViewId {
  const asked = new URLSearchParams(search).get('view');
  return VIEWS.find((v) => v.id === asked)?.id ?? 'chat';
}
