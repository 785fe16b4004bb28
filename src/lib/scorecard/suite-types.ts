// The scorecard suite format: tasks with a prompt and a deterministic checker each. The built-in
// suite (builtin-suite.json) and suites users import are both this shape, read by parse-suite.ts.
import type { TaskCategory } from '../results/result-types';
import type { ToolDefinition } from '../engines/types';
import type { JsonSchema } from './json-schema';
import type { DrawingSpec } from '../vision/drawn-pictures';

export const SUITE_FORMAT = 'on-device-playground/scorecard-suite';
/** Version 2 added tool definitions and the tool-call checker; version 3 pictures. Older files still read. */
export const SUITE_VERSION = 3;
export type SuiteVersion = 1 | 2 | 3;

export const TASK_CATEGORIES: readonly TaskCategory[] = [
  'support',
  'recommendation',
  'classification',
  'extraction',
  'reasoning',
  'translation',
  'summarisation',
  'coding',
  'tools',
  'data',
  'vision',
];

export const CATEGORY_LABELS: Readonly<Record<TaskCategory, string>> = {
  support: 'Customer support',
  recommendation: 'Product copy',
  classification: 'Moderation / classification',
  extraction: 'Extraction to JSON',
  reasoning: 'Arithmetic and logic',
  translation: 'Translation (EN↔ZH)',
  summarisation: 'Summarisation',
  coding: 'Coding',
  tools: 'Tool calling (agents)',
  data: 'Structured data',
  vision: 'Vision (pictures)',
};

/** A phrase the answer must (or must not) contain; an array lists alternatives, any one of which counts. */
export type Term = string | string[];

/** The answer names exactly one of `labels`, and it is `expected`. */
export interface ChoiceChecker {
  kind: 'choice';
  labels: string[];
  expected: string;
}

/** The last number in the answer equals `expected` (within `tolerance`, default 0). */
export interface NumberChecker {
  kind: 'number';
  expected: number;
  tolerance?: number;
}

/** The first JSON object or array in the answer (fenced or not) satisfies `schema`. */
export interface JsonSchemaChecker {
  kind: 'json-schema';
  schema: JsonSchema;
}

/** Every `all` term, at least one `any` term (when given), no `none` term, and at most `maxWords` words. */
export interface ContainsChecker {
  kind: 'contains';
  all?: Term[];
  any?: Term[];
  none?: Term[];
  maxWords?: number;
}

/** Written mostly in the target language's script, with the key terms. */
export interface TranslationChecker {
  kind: 'translation';
  target: 'zh' | 'en';
  terms: Term[];
  /** Share of the target script among Han and Latin letters (default 0.6 for zh, 0.9 for en). */
  minScriptRatio?: number;
}

/** At most `maxWords` words, mentions every fact, and copies no run of `maxCopiedWords` words from the prompt. */
export interface SummaryChecker {
  kind: 'summary';
  maxWords: number;
  facts: Term[];
  /** Longest run of consecutive prompt words the summary may repeat (default 10). */
  maxCopiedWords?: number;
}

export interface CodeTest {
  args: unknown[];
  expected: unknown;
}

/** The answer's JavaScript code block defines `functionName`, which passes every test within the time limit. */
export interface CodeChecker {
  kind: 'code';
  functionName: string;
  tests: CodeTest[];
  /** Default 2000 ms for the whole test run. */
  timeLimitMs?: number;
}

/** The checkers a tool task's text answer can have (every kind but tool-call itself). */
export type TextCheckerSpec =
  | ChoiceChecker
  | NumberChecker
  | JsonSchemaChecker
  | ContainsChecker
  | TranslationChecker
  | SummaryChecker
  | CodeChecker;

/**
 * The model calls one of the task's tools, `expected.name`, with arguments that satisfy the tool's
 * schema and equal every value in `expected.arguments` (arguments not listed there are free).
 * `expected: null`: the question needs no tool, and no call may be made. With `toolResult`, a
 * right call is answered with that result (a `tool` message) and the model answers again; `final`
 * checks that answer, or, when no call is expected, the first one.
 */
export interface ToolCallChecker {
  kind: 'tool-call';
  expected: { name: string; arguments: Record<string, unknown> } | null;
  toolResult?: string;
  final?: TextCheckerSpec;
}

export type CheckerSpec = TextCheckerSpec | ToolCallChecker;

export type CheckerKind = CheckerSpec['kind'];

/** A picture the app draws from this description (vision/drawn-pictures.ts); `name` defaults to what it shows. */
export interface DrawnPicture {
  draw: DrawingSpec;
  name?: string;
}

/** A picture of the user's own, carried in the suite as base64 (size-capped; see suite-pictures.ts). */
export interface SuppliedPicture {
  name: string;
  type: 'image/png' | 'image/jpeg';
  data: string;
}

export type TaskPicture = DrawnPicture | SuppliedPicture;

export interface ScorecardTask {
  /** Unique within the suite: letters, digits, "-" and "_". */
  id: string;
  category: TaskCategory;
  title: string;
  system?: string;
  prompt: string;
  maxNewTokens: number;
  checker: CheckerSpec;
  /** Functions the model may call (suite version 2); required by a tool-call checker. */
  tools?: ToolDefinition[];
  /**
   * Pictures sent with the prompt (suite version 3). A model that reads text only is not asked
   * the task, and it does not count against it.
   */
  pictures?: TaskPicture[];
  /** A right answer; its checker must pass it (the built-in suite's unit test checks every one). */
  reference?: string;
  /** A right answer to the second turn of a task whose checker feeds a tool result back. */
  finalReference?: string;
}

export interface ScorecardSuite {
  format: typeof SUITE_FORMAT;
  version: SuiteVersion;
  name: string;
  description?: string;
  tasks: ScorecardTask[];
}

/** What a checker decided, with its reason in words. */
export interface CheckResult {
  passed: boolean;
  detail: string;
}
