// The deterministic checkers: each reads the visible answer and says pass or fail, and why, in words.
import {
  extractFirstJson,
  extractJavaScript,
  lastNumber,
  longestSharedRun,
  matchesTerm,
  scriptCounts,
  showTerm,
  visibleAnswer,
  words,
  containsPhrase,
} from './answer-text';
import { DEFAULT_CODE_TIME_LIMIT_MS, type CodeRunner, type SandboxReport } from './code-sandbox-protocol';
import { validateJson } from './json-schema';
import type {
  CheckResult,
  ChoiceChecker,
  CodeChecker,
  ContainsChecker,
  JsonSchemaChecker,
  NumberChecker,
  ScorecardTask,
  SummaryChecker,
  Term,
  TextCheckerSpec,
  ToolCallChecker,
  TranslationChecker,
} from './suite-types';
import { checkToolCall } from './tool-call-checker';
import type { ChatMessage } from '../engines/types';
import { readToolCalls, showCall } from './tool-calls';
import { showValue, valuesEqual } from './value-equality';

export interface CheckEnvironment {
  /** Where code answers run; the app passes the worker sandbox. */
  runCode: CodeRunner;
}

const pass = (detail: string): CheckResult => ({ passed: true, detail });
const fail = (detail: string): CheckResult => ({ passed: false, detail });
const EMPTY = fail('the answer is empty');

function list(items: readonly string[], conjunction = 'and'): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

export function checkChoice(answer: string, spec: ChoiceChecker): CheckResult {
  if (!answer) return EMPTY;
  // Longer labels first, so "not spam" is not also read as "spam".
  const labels = [...spec.labels].sort((a, b) => b.length - a.length);
  const named: string[] = [];
  let rest = answer;
  for (const label of labels) {
    if (containsPhrase(rest, label)) {
      named.push(label);
      rest = blankOut(rest, label);
    }
  }
  if (named.length === 0) return fail(`names none of the labels (${spec.labels.join(', ')})`);
  if (named.length > 1) return fail(`names ${named.length} labels (${list(named)}); exactly one was asked for`);
  return named[0].toLowerCase() === spec.expected.toLowerCase()
    ? pass(`answered "${named[0]}" as expected`)
    : fail(`answered "${named[0]}", expected "${spec.expected}"`);
}

/** The text with every case-insensitive occurrence of the phrase replaced by spaces. */
function blankOut(text: string, phrase: string): string {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.normalize('NFKC').replace(new RegExp(escaped, 'giu'), (found) => ' '.repeat(found.length));
}

export function checkNumber(answer: string, spec: NumberChecker): CheckResult {
  if (!answer) return EMPTY;
  const found = lastNumber(answer);
  if (found === null) return fail(`the answer contains no number (expected ${spec.expected})`);
  const tolerance = spec.tolerance ?? 0;
  const ok = Math.abs(found - spec.expected) <= tolerance;
  const within = tolerance > 0 ? ` ± ${tolerance}` : '';
  return ok ? pass(`final number ${found}, expected ${spec.expected}${within}`) : fail(`final number ${found}, expected ${spec.expected}${within}`);
}

export function checkJsonSchema(answer: string, spec: JsonSchemaChecker): CheckResult {
  if (!answer) return EMPTY;
  const extracted = extractFirstJson(answer);
  if (!extracted.ok) return fail(extracted.problem);
  const problems = validateJson(extracted.value, spec.schema);
  if (problems.length === 0) return pass('the JSON matches the schema');
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  return fail(`the JSON does not match the schema: ${problems.slice(0, 3).join('; ')}${more}`);
}

function missingTerms(answer: string, terms: readonly Term[] | undefined): string[] {
  return (terms ?? []).filter((term) => !matchesTerm(answer, term)).map(showTerm);
}

export function checkContains(answer: string, spec: ContainsChecker): CheckResult {
  if (!answer) return EMPTY;
  const problems: string[] = [];
  const missing = missingTerms(answer, spec.all);
  if (missing.length > 0) problems.push(`missing ${list(missing)}`);
  if (spec.any && spec.any.length > 0 && !spec.any.some((term) => matchesTerm(answer, term))) {
    problems.push(`mentions none of ${list(spec.any.map(showTerm), 'or')}`);
  }
  const forbidden = (spec.none ?? []).filter((term) => matchesTerm(answer, term)).map(showTerm);
  if (forbidden.length > 0) problems.push(`must not say ${list(forbidden, 'or')}`);
  const count = words(answer).length;
  if (spec.maxWords !== undefined && count > spec.maxWords) problems.push(`${count} words, at most ${spec.maxWords} allowed`);
  if (problems.length > 0) return fail(problems.join('; '));
  const parts = ['has the required terms'];
  if (spec.none?.length) parts.push('none of the forbidden ones');
  if (spec.maxWords !== undefined) parts.push(`${count} words`);
  return pass(parts.join(', '));
}

export function checkTranslation(answer: string, spec: TranslationChecker): CheckResult {
  if (!answer) return EMPTY;
  const { han, latin } = scriptCounts(answer);
  const letters = han + latin;
  const wanted = spec.target === 'zh' ? han : latin;
  const ratio = letters === 0 ? 0 : wanted / letters;
  const minimum = spec.minScriptRatio ?? (spec.target === 'zh' ? 0.6 : 0.9);
  const script = spec.target === 'zh' ? 'Chinese (Han)' : 'English (Latin)';
  const problems: string[] = [];
  if (letters === 0) problems.push('the answer has no Chinese or Latin letters');
  else if (ratio < minimum) {
    problems.push(`only ${Math.round(ratio * 100)}% of its letters are ${script}, at least ${Math.round(minimum * 100)}% needed`);
  }
  const missing = missingTerms(answer, spec.terms);
  if (missing.length > 0) problems.push(`missing ${list(missing)}`);
  if (problems.length > 0) return fail(problems.join('; '));
  return pass(`${Math.round(ratio * 100)}% ${script} letters, all ${spec.terms.length} key terms present`);
}

export function checkSummary(answer: string, spec: SummaryChecker, prompt: string): CheckResult {
  if (!answer) return EMPTY;
  const problems: string[] = [];
  const count = words(answer).length;
  if (count > spec.maxWords) problems.push(`${count} words, at most ${spec.maxWords} allowed`);
  const missing = missingTerms(answer, spec.facts);
  if (missing.length > 0) problems.push(`does not mention ${list(missing)}`);
  const maxCopied = spec.maxCopiedWords ?? 10;
  const copied = longestSharedRun(answer, prompt);
  if (copied > maxCopied) problems.push(`copies ${copied} words in a row from the text (at most ${maxCopied})`);
  if (problems.length > 0) return fail(problems.join('; '));
  return pass(`${count} words, all ${spec.facts.length} key facts, no long copied passage`);
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Judges the sandbox's report against the expected values, which never entered the sandbox. */
export function judgeCodeRun(spec: CodeChecker, report: SandboxReport): CheckResult {
  switch (report.kind) {
    case 'timeout':
      return fail(`timed out after ${seconds(report.limitMs)} (stopped after ${Math.round(report.elapsedMs)} ms)`);
    case 'crashed':
    case 'refused':
    case 'no-function':
      return fail(report.message);
    case 'compile-error':
      return fail(`the code does not compile: ${report.message}`);
    case 'ran': {
      const failures: string[] = [];
      spec.tests.forEach((test, i) => {
        const call = `${spec.functionName}(${test.args.map((arg) => showValue(arg, 40)).join(', ')})`;
        const outcome = report.calls[i];
        if (!outcome) failures.push(`${call}: no result`);
        else if (!outcome.ok) failures.push(`${call}: ${outcome.error}`);
        else if (!valuesEqual(outcome.value, test.expected)) {
          failures.push(`${call}: expected ${showValue(test.expected)}, got ${showValue(outcome.value)}`);
        }
      });
      const passed = spec.tests.length - failures.length;
      const summary = `${passed}/${spec.tests.length} tests passed`;
      return failures.length === 0 ? pass(summary) : fail(`${summary}; ${failures.slice(0, 2).join('; ')}`);
    }
  }
}

export async function checkCode(answer: string, spec: CodeChecker, runCode: CodeRunner): Promise<CheckResult> {
  if (!answer) return EMPTY;
  const code = extractJavaScript(answer);
  if (!code.ok) return fail(code.problem);
  const report = await runCode({
    source: code.value,
    functionName: spec.functionName,
    calls: spec.tests.map((test) => test.args),
    timeLimitMs: spec.timeLimitMs ?? DEFAULT_CODE_TIME_LIMIT_MS,
  });
  return judgeCodeRun(spec, report);
}

/**
 * Checks one answer to one task. A tool task that feeds a result back is judged on both turns:
 * `followUp` is the model's answer after the tool result (absent when that turn never happened).
 */
export async function checkAnswer(task: ScorecardTask, rawAnswer: string, env: CheckEnvironment, followUp?: string): Promise<CheckResult> {
  const answer = visibleAnswer(rawAnswer);
  const spec = task.checker;
  if (spec.kind === 'tool-call') return checkToolTask(task, spec, answer, env, followUp);
  return checkText(task, spec, answer, env);
}

async function checkText(task: ScorecardTask, spec: TextCheckerSpec, answer: string, env: CheckEnvironment): Promise<CheckResult> {
  switch (spec.kind) {
    case 'choice':
      return checkChoice(answer, spec);
    case 'number':
      return checkNumber(answer, spec);
    case 'json-schema':
      return checkJsonSchema(answer, spec);
    case 'contains':
      return checkContains(answer, spec);
    case 'translation':
      return checkTranslation(answer, spec);
    case 'summary':
      return checkSummary(answer, spec, task.prompt);
    case 'code':
      return checkCode(answer, spec, env.runCode);
  }
}

/**
 * The two messages that send a tool task's result back after the model's first answer, or null
 * when that answer earns none: the task has no result to send, or the call was wrong (its result
 * would be made up, and the answer already fails).
 */
export function toolResultTurn(task: ScorecardTask, rawAnswer: string): [ChatMessage, ChatMessage] | null {
  const spec = task.checker;
  if (spec.kind !== 'tool-call' || !needsFollowUp(spec)) return null;
  const call = checkToolCall(visibleAnswer(rawAnswer), spec, task.tools ?? []);
  if (!call.passed) return null;
  return [
    { role: 'assistant', content: call.text, toolCalls: call.calls },
    { role: 'tool', content: spec.toolResult },
  ];
}

/** Whether a right first turn is followed by a tool result and a second answer. */
function needsFollowUp(spec: ToolCallChecker): spec is ToolCallChecker & { expected: object; toolResult: string } {
  return spec.expected !== null && spec.toolResult !== undefined;
}

async function checkToolTask(
  task: ScorecardTask,
  spec: ToolCallChecker,
  answer: string,
  env: CheckEnvironment,
  followUp: string | undefined,
): Promise<CheckResult> {
  if (!answer) return EMPTY;
  const call = checkToolCall(answer, spec, task.tools ?? []);
  if (!call.passed || !spec.final) return { passed: call.passed, detail: call.detail };
  let finalText = call.text;
  let turn = 'the answer';
  if (needsFollowUp(spec)) {
    if (followUp === undefined) return fail(`${call.detail}, but the tool result was never sent back, so there is no final answer`);
    const second = readToolCalls(visibleAnswer(followUp));
    if (!second.ok) return fail(`${call.detail}, but after the tool result ${second.problem}`);
    if (second.calls.length > 0) return fail(`${call.detail}, but answered the tool result with another call (${showCall(second.calls[0])})`);
    finalText = second.text;
    turn = 'the final answer';
  }
  if (!finalText) return fail(`${call.detail}, but ${turn} is empty`);
  const final = await checkText(task, spec.final, finalText, env);
  return final.passed ? pass(`${call.detail}; ${turn}: ${final.detail}`) : fail(`${call.detail}, but ${turn} fails: ${final.detail}`);
}
