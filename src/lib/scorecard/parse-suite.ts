// Reads a scorecard suite from JSON and says exactly what is wrong with a malformed one (which
// task, which field), so a user fixing an imported file knows where to look. The built-in suite
// goes through the same reader.
import { TASK_CATEGORIES, SUITE_FORMAT, SUITE_VERSION, type ScorecardSuite, type ScorecardTask } from './suite-types';
import { schemaProblems } from './json-schema';
import { toolCheckerProblems, toolsProblems } from './parse-tools';
import { isRecord, unknownFields } from './json-records';
import { picturesProblems, suitePicturesTotalProblems } from './suite-pictures';
import type { TaskCategory } from '../results/result-types';

export class SuiteFormatError extends Error {
  override name = 'SuiteFormatError';
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `The suite is not usable: ${problems[0]}`
        : `The suite has ${problems.length} problems: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`,
    );
  }
}

const MAX_TASKS = 500;
const MAX_NEW_TOKENS = 4096;
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const TOP_FIELDS = new Set(['format', 'version', 'name', 'description', 'tasks']);
const TASK_FIELDS = new Set(['id', 'category', 'title', 'system', 'prompt', 'maxNewTokens', 'tools', 'pictures', 'checker', 'reference', 'finalReference']);
const VERSIONS: readonly unknown[] = [1, 2, SUITE_VERSION];
const CHECKER_FIELDS: Record<string, readonly string[]> = {
  choice: ['labels', 'expected'],
  number: ['expected', 'tolerance'],
  'json-schema': ['schema'],
  contains: ['all', 'any', 'none', 'maxWords'],
  translation: ['target', 'terms', 'minScriptRatio'],
  summary: ['maxWords', 'facts', 'maxCopiedWords'],
  code: ['functionName', 'tests', 'timeLimitMs'],
  'tool-call': ['expected', 'toolResult', 'final'],
};

/** The answer after a tool result is text, so any kind but tool-call checks it. */
const TEXT_CHECKER_KINDS = Object.keys(CHECKER_FIELDS).filter((kind) => kind !== 'tool-call');

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const isWholeNumber = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

function termProblem(term: unknown): boolean {
  if (isText(term)) return false;
  return !(Array.isArray(term) && term.length > 0 && term.every(isText));
}

/** Problems with a list of terms (a term is a phrase or a list of alternative phrases). */
function termListProblems(value: unknown, where: string, required: boolean): string[] {
  if (value === undefined) return required ? [`${where} is required`] : [];
  if (!Array.isArray(value)) return [`${where} must be a list of phrases`];
  if (required && value.length === 0) return [`${where} must list at least one phrase`];
  const bad = value.findIndex(termProblem);
  return bad === -1 ? [] : [`${where}[${bad}] must be a non-empty phrase or a list of alternative phrases`];
}

/** Problems with a checker; `tools` are the task's tool definitions, which a tool-call checker needs. */
function checkerProblems(checker: unknown, where: string, tools: unknown = undefined, kinds = Object.keys(CHECKER_FIELDS)): string[] {
  if (!isRecord(checker)) return [`${where} must be an object with a "kind"`];
  const kind = checker.kind;
  if (typeof kind !== 'string' || !kinds.includes(kind)) {
    return [`${where}.kind must be one of ${kinds.join(', ')} (found ${JSON.stringify(kind)})`];
  }
  const problems = unknownFields(checker, ['kind', ...CHECKER_FIELDS[kind]], where);
  const field = (name: string) => `${where}.${name}`;
  switch (kind) {
    case 'choice': {
      const { labels, expected } = checker;
      if (!Array.isArray(labels) || labels.length < 2 || !labels.every(isText)) {
        problems.push(`${field('labels')} must list at least two labels`);
      } else if (new Set(labels.map((l) => l.toLowerCase())).size !== labels.length) {
        problems.push(`${field('labels')} has a label twice`);
      } else if (!isText(expected) || !labels.some((l) => l.toLowerCase() === expected.toLowerCase())) {
        problems.push(`${field('expected')} must be one of the labels (${labels.join(', ')})`);
      }
      break;
    }
    case 'number':
      if (typeof checker.expected !== 'number' || !Number.isFinite(checker.expected)) problems.push(`${field('expected')} must be a number`);
      if (checker.tolerance !== undefined && !(typeof checker.tolerance === 'number' && checker.tolerance >= 0)) {
        problems.push(`${field('tolerance')} must be a number ≥ 0`);
      }
      break;
    case 'json-schema':
      if (checker.schema === undefined) problems.push(`${field('schema')} is required`);
      else problems.push(...schemaProblems(checker.schema, field('schema')));
      break;
    case 'contains': {
      problems.push(...termListProblems(checker.all, field('all'), false));
      problems.push(...termListProblems(checker.any, field('any'), false));
      problems.push(...termListProblems(checker.none, field('none'), false));
      const hasAll = Array.isArray(checker.all) && checker.all.length > 0;
      const hasAny = Array.isArray(checker.any) && checker.any.length > 0;
      if (!hasAll && !hasAny) problems.push(`${where} needs "all" or "any" phrases to look for`);
      if (checker.maxWords !== undefined && !isWholeNumber(checker.maxWords, 1, 10_000)) problems.push(`${field('maxWords')} must be a whole number ≥ 1`);
      break;
    }
    case 'translation':
      if (checker.target !== 'zh' && checker.target !== 'en') problems.push(`${field('target')} must be "zh" or "en"`);
      problems.push(...termListProblems(checker.terms, field('terms'), true));
      if (checker.minScriptRatio !== undefined && !(typeof checker.minScriptRatio === 'number' && checker.minScriptRatio > 0 && checker.minScriptRatio <= 1)) {
        problems.push(`${field('minScriptRatio')} must be a number above 0 and at most 1`);
      }
      break;
    case 'summary':
      if (!isWholeNumber(checker.maxWords, 1, 10_000)) problems.push(`${field('maxWords')} must be a whole number ≥ 1`);
      problems.push(...termListProblems(checker.facts, field('facts'), true));
      if (checker.maxCopiedWords !== undefined && !isWholeNumber(checker.maxCopiedWords, 1, 10_000)) {
        problems.push(`${field('maxCopiedWords')} must be a whole number ≥ 1`);
      }
      break;
    case 'code': {
      if (typeof checker.functionName !== 'string' || !IDENTIFIER.test(checker.functionName)) {
        problems.push(`${field('functionName')} must be a JavaScript function name`);
      }
      const tests = checker.tests;
      if (!Array.isArray(tests) || tests.length === 0) problems.push(`${field('tests')} must list at least one test`);
      else {
        tests.forEach((test, i) => {
          const at = `${field('tests')}[${i}]`;
          if (!isRecord(test)) return void problems.push(`${at} must be an object with "args" and "expected"`);
          problems.push(...unknownFields(test, ['args', 'expected'], at));
          if (!Array.isArray(test.args)) problems.push(`${at}.args must be a list of arguments`);
          if (!('expected' in test)) problems.push(`${at}.expected is required`);
        });
      }
      if (checker.timeLimitMs !== undefined && !isWholeNumber(checker.timeLimitMs, 100, 30_000)) {
        problems.push(`${field('timeLimitMs')} must be a whole number of milliseconds from 100 to 30000`);
      }
      break;
    }
    case 'tool-call': {
      problems.push(...toolCheckerProblems(checker, where, tools));
      if (checker.final !== undefined) problems.push(...checkerProblems(checker.final, field('final'), undefined, TEXT_CHECKER_KINDS));
      break;
    }
  }
  return problems;
}

/** What the tasks read so far share: their ids, and the decoded size of their own pictures. */
interface SuiteTally {
  ids: Set<string>;
  pictureBytes: number;
}

function taskProblems(task: unknown, index: number, tally: SuiteTally, version: unknown): string[] {
  if (!isRecord(task)) return [`task ${index + 1} must be an object`];
  const where = `task ${index + 1}${typeof task.id === 'string' ? ` ("${task.id}")` : ''}`;
  const problems = unknownFields(task, TASK_FIELDS, where);
  if (typeof task.id !== 'string' || !TASK_ID.test(task.id)) {
    problems.push(`${where}: "id" must be 1–64 letters, digits, "-" or "_"`);
  } else if (tally.ids.has(task.id)) {
    problems.push(`${where}: "id" is used by an earlier task too`);
  } else tally.ids.add(task.id);
  if (!TASK_CATEGORIES.includes(task.category as TaskCategory)) {
    problems.push(`${where}: "category" must be one of ${TASK_CATEGORIES.join(', ')} (found ${JSON.stringify(task.category)})`);
  }
  if (!isText(task.title)) problems.push(`${where}: "title" must be a non-empty string`);
  if (!isText(task.prompt)) problems.push(`${where}: "prompt" must be a non-empty string`);
  if (task.system !== undefined && typeof task.system !== 'string') problems.push(`${where}: "system" must be a string`);
  if (task.reference !== undefined && typeof task.reference !== 'string') problems.push(`${where}: "reference" must be a string`);
  if (task.finalReference !== undefined && typeof task.finalReference !== 'string') problems.push(`${where}: "finalReference" must be a string`);
  const usesTools = task.tools !== undefined || (isRecord(task.checker) && task.checker.kind === 'tool-call');
  if (usesTools && version === 1) problems.push(`${where}: tools and the tool-call checker need "version": 2`);
  if (task.tools !== undefined) problems.push(...toolsProblems(task.tools, `${where}: tools`));
  if (task.category === 'vision' && task.pictures === undefined) problems.push(`${where}: a "vision" task needs "pictures" to show the model`);
  if (task.pictures !== undefined) {
    if (version === 1 || version === 2) problems.push(`${where}: "pictures" need "version": ${SUITE_VERSION} (this file says ${version})`);
    const pictures = picturesProblems(task.pictures, where);
    problems.push(...pictures.problems);
    tally.pictureBytes += pictures.bytes;
  }
  if (!isWholeNumber(task.maxNewTokens, 1, MAX_NEW_TOKENS)) {
    problems.push(`${where}: "maxNewTokens" must be a whole number from 1 to ${MAX_NEW_TOKENS}`);
  }
  if (task.checker === undefined) problems.push(`${where}: "checker" is required`);
  else problems.push(...checkerProblems(task.checker, `${where}: checker`, task.tools));
  return problems;
}

/**
 * A suite from JSON text (an imported file) or from already-parsed data (the built-in suite).
 * Throws SuiteFormatError listing every problem found.
 */
export function parseSuite(input: unknown): ScorecardSuite {
  let data = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new SuiteFormatError([`the file is not valid JSON (${(error as Error).message})`]);
    }
  }
  if (!isRecord(data)) throw new SuiteFormatError(['the file must hold one JSON object with "format", "version", "name" and "tasks"']);
  const problems = unknownFields(data, TOP_FIELDS, 'suite');
  if (data.format !== SUITE_FORMAT) problems.push(`"format" must be "${SUITE_FORMAT}" (found ${JSON.stringify(data.format ?? null)})`);
  if (!VERSIONS.includes(data.version)) {
    problems.push(`"version" must be ${VERSIONS.slice(0, -1).join(', ')} or ${SUITE_VERSION} (found ${JSON.stringify(data.version ?? null)})`);
  }
  if (!isText(data.name)) problems.push('"name" must be a non-empty string');
  if (data.description !== undefined && typeof data.description !== 'string') problems.push('"description" must be a string');
  const tasks = data.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0) problems.push('"tasks" must be a non-empty list');
  else if (tasks.length > MAX_TASKS) problems.push(`"tasks" has ${tasks.length} tasks; at most ${MAX_TASKS} are allowed`);
  else {
    const tally: SuiteTally = { ids: new Set(), pictureBytes: 0 };
    tasks.forEach((task, i) => problems.push(...taskProblems(task, i, tally, data.version)));
    problems.push(...suitePicturesTotalProblems(tally.pictureBytes));
  }
  if (problems.length > 0) throw new SuiteFormatError(problems);
  return data as unknown as ScorecardSuite;
}

/** The built-in tasks followed by an imported suite's; a task id used by both is an error. */
export function joinSuites(base: ScorecardSuite, extra: ScorecardSuite): ScorecardSuite {
  const ids = new Set(base.tasks.map((task) => task.id));
  const clashes = extra.tasks.filter((task) => ids.has(task.id)).map((task) => `task "${task.id}" has the same id as a task in "${base.name}"`);
  if (clashes.length > 0) throw new SuiteFormatError(clashes);
  const tasks: ScorecardTask[] = [...base.tasks, ...extra.tasks];
  return { format: SUITE_FORMAT, version: SUITE_VERSION, name: `${base.name} + ${extra.name}`, tasks };
}
