// Picture questions in scorecard suites: the suite reader checks drawings field by field and a
// user's own pictures from their bytes (base64, caps, magic bytes, header size) without decoding
// them; version 3 is needed for pictures and versions 1 and 2 still read; the drawings are laid
// out at sizes the model reads unresized; a task not asked because the model reads text only is
// left out of every total and comes back as such from every export.
import { describe, expect, it } from 'vitest';
import { parseSuite } from '../../src/lib/scorecard/parse-suite';
import { SUITE_VERSION, CATEGORY_LABELS, type ScorecardTask } from '../../src/lib/scorecard/suite-types';
import { BUILTIN_SUITE, builtinSuiteTemplate } from '../../src/lib/scorecard/builtin-suite';
import { checkAnswer } from '../../src/lib/scorecard/checkers';
import { MAX_PICTURE_BYTES, pictureBytes, pictureName } from '../../src/lib/scorecard/suite-pictures';
import { layoutDrawing, type Drawing, type DrawingSpec, type PaintStep } from '../../src/lib/vision/drawn-pictures';
import { readImageHeader } from '../../src/lib/vision/image-header';
import { DEFAULT_PIXEL_BUDGET, planImage } from '../../src/lib/vision/image-budget';
import { notAskedText, scoreByCategory, scoreTotals } from '../../src/lib/scorecard/score-summary';
import { categoryCounts, scorecardChartData } from '../../src/lib/charts/scorecard-chart';
import { parseResultsDocument, resultsJson } from '../../src/lib/export/results-json';
import { fromLinkPayload, toLinkPayload } from '../../src/lib/export/results-link';
import { scorecardSummaryCsv, scorecardTasksCsv } from '../../src/lib/export/results-csv';
import { scorecardSummaryTable } from '../../src/lib/export/results-tables';
import type { ResultsDocument, ScorecardTaskResult } from '../../src/lib/results/result-types';
import { realisticDocument } from './support/realistic-results';
import { suiteProblems } from './support/suite-problems';
import { jpegHead, tinyPng } from './support/tiny-png';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function suite(pictures: unknown, version = 3, extra: Record<string, unknown> = {}) {
  return {
    format: 'on-device-playground/scorecard-suite',
    version,
    name: 'Pictures',
    tasks: [
      {
        id: 'look',
        category: 'vision',
        title: 'Look',
        prompt: 'Which colour is it: red or green?',
        maxNewTokens: 16,
        pictures,
        checker: { kind: 'choice', labels: ['red', 'green'], expected: 'red' },
        ...extra,
      },
    ],
  };
}

const png = (name = 'photo.png', bytes: Uint8Array = tinyPng(640, 480)) => ({ name, type: 'image/png', data: base64(bytes) });

describe('pictures in a suite', () => {
  it("reads drawings and a user's own PNG and JPEG", () => {
    const pictures = [
      { draw: { kind: 'colour', colour: 'red' } },
      { draw: { kind: 'receipt', shop: 'KIOSK', items: [{ name: 'Tea', price: 1.15 }] }, name: 'the kiosk receipt' },
      png(),
      { name: 'photo.jpg', type: 'image/jpeg', data: base64(jpegHead(1024, 768)) },
    ];
    const read = parseSuite(JSON.stringify(suite(pictures)));
    expect(read.tasks[0].pictures).toEqual(pictures);
    expect(read.tasks[0].pictures!.map(pictureName)).toEqual(['a patch of colour', 'the kiosk receipt', 'photo.png', 'photo.jpg']);
    expect(Buffer.from(pictureBytes(png().data))).toEqual(tinyPng(640, 480));
  });

  it('names the task, the picture and what is wrong with its bytes', () => {
    const at = 'task 1 ("look"): picture 1 ("photo.png")';
    const problems = (picture: unknown) => suiteProblems(suite([picture]));
    expect(problems({ ...png(), type: 'image/png', data: base64(jpegHead(64, 64)) })).toEqual([`${at}: "type" says image/png, but the data is a JPEG`]);
    expect(problems({ ...png('photo.png'), type: 'image/jpeg' })).toEqual([`${at}: "type" says image/jpeg, but the data is a PNG`]);
    expect(problems({ ...png(), data: base64(new TextEncoder().encode('GIF89a, not a PNG')) })).toEqual([
      `${at}: "data" it is neither a PNG nor a JPEG (its first bytes are not either signature)`,
    ]);
    expect(problems({ ...png(), type: 'image/gif' })).toEqual([`${at}: "type" must be "image/png" or "image/jpeg" (found "image/gif")`]);
    expect(problems({ ...png(), data: 'iVBORw0KGgo$' })).toEqual([
      `${at}: "data" is not well-formed base64 (only A–Z, a–z, 0–9, "+" and "/", padded with "=" to a multiple of 4)`,
    ]);
    expect(problems({ ...png(), data: 'iVBORw0KGgoA' + 'A' })).toEqual([expect.stringContaining('"data" is not well-formed base64')]);
    expect(problems({ ...png(), data: `data:image/png;base64,${png().data}` })).toEqual([`${at}: "data" must be the base64 text alone, without the "data:…;base64," prefix`]);
    expect(problems({ ...png(), data: base64(tinyPng(640, 480).subarray(0, 20)) })).toEqual([`${at}: the PNG ends before its IHDR header, or does not start with one`]);
    expect(problems({ ...png(), type: 'image/jpeg', data: base64(jpegHead(64, 64).subarray(0, 10)) })).toEqual([
      `${at}: the JPEG has no frame header giving its size (damaged or cut short)`,
    ]);
  });

  it('refuses a picture over 2 MB, a suite whose pictures pass 8 MB, and sizes no model should decode', () => {
    const big = new Uint8Array(MAX_PICTURE_BYTES + 1);
    big.set(tinyPng(64, 64));
    expect(suiteProblems(suite([png('huge.png', big)]))).toEqual(['task 1 ("look"): picture 1 ("huge.png") is 2 MB; a picture may be at most 2 MB']);
    // Line breaks in the base64 are allowed (some tools wrap it at 76 characters).
    const wrapped = png().data.replace(/(.{76})/g, '$1\n');
    expect(parseSuite(suite([{ ...png(), data: wrapped }])).tasks[0].pictures).toHaveLength(1);

    const nearlyFull = new Uint8Array(MAX_PICTURE_BYTES - 1024);
    nearlyFull.set(tinyPng(64, 64));
    const four = Array.from({ length: 4 }, (_, i) => png(`big-${i}.png`, nearlyFull));
    const tasks = [suite(four).tasks[0], { ...suite([png('one-more.png', nearlyFull)]).tasks[0], id: 'look-again' }];
    expect(suiteProblems({ ...suite([]), tasks })).toEqual(["the suite's own pictures come to 10 MB; at most 8 MB in all are allowed"]);

    expect(suiteProblems(suite([png('wide.png', tinyPng(5000, 10))]))).toEqual([
      'task 1 ("look"): picture 1 ("wide.png") is 5000×10 pixels; each side may be at most 4096 (it is resized to 448×448 or less anyway)',
    ]);
    expect(suiteProblems(suite([png('strip.png', tinyPng(2000, 4))]))).toEqual([
      'task 1 ("look"): picture 1 ("strip.png") is 2000×4 pixels: a model reads pictures up to 200:1, not a strip this thin',
    ]);
    expect(suiteProblems(suite(Array.from({ length: 5 }, () => ({ draw: { kind: 'colour', colour: 'red' } }))))).toEqual([
      'task 1 ("look"): "pictures" has 5 pictures; a task may send at most 4',
    ]);
  });

  it('checks each drawing field by field', () => {
    const problems = (draw: unknown) => suiteProblems(suite([{ draw }]));
    const at = 'task 1 ("look"): picture 1: draw';
    expect(problems({ kind: 'photo' })).toEqual([`${at}.kind must be one of receipt, bar-chart, shapes, table, sign, colour (found "photo")`]);
    expect(problems({ kind: 'colour', colour: 'teal', shade: 2 })).toEqual([
      `${at}: unknown field "shade"`,
      `${at}.colour must be one of red, green, blue, yellow, orange, purple (found "teal")`,
    ]);
    expect(problems({ kind: 'receipt', shop: 'A SHOP WITH A VERY LONG NAME INDEED', items: [{ name: 'Tea', price: 1.155 }, { name: '', price: -1 }] })).toEqual([
      `${at}.shop has 35 characters; at most 24 fit`,
      `${at}.items[0].price must have at most two decimals`,
      `${at}.items[1].name must be a non-empty string`,
      `${at}.items[1].price must be a number from 0 to 99999.99`,
    ]);
    expect(problems({ kind: 'bar-chart', bars: [{ label: 'only', value: 3 }] })).toEqual([`${at}.bars must list 2 to 6 entries (found 1)`]);
    expect(problems({ kind: 'shapes', shapes: [{ shape: 'circle', count: 10 }, { shape: 'circle', count: 1 }, { shape: 'star', count: 2.5 }] })).toEqual([
      `${at}.shapes[1].shape "circle" is listed twice`,
      `${at}.shapes[2].shape must be one of circle, square, triangle (found "star")`,
      `${at}.shapes[2].count must be a whole number ≥ 0`,
    ]);
    expect(problems({ kind: 'shapes', shapes: [{ shape: 'circle', count: 10 }, { shape: 'square', count: 7 }] })).toEqual([`${at}.shapes must add up to 1 to 16 shapes (found 17)`]);
    expect(problems({ kind: 'table', rows: [['A', 'B', 'C'], ['1', '2'], ['1', 2, 'a cell that is too long']] })).toEqual([
      `${at}.rows[1] has 2 cells; the first row has 3`,
      `${at}.rows[2][1] must be a string`,
      `${at}.rows[2][2] has 23 characters; at most 12 fit`,
    ]);
    expect(problems({ kind: 'sign', style: 'neon', lines: ['SLOW', 'CHILDREN CROSSING HERE', 'AHEAD', 'NOW'] })).toEqual([
      `${at}.style must be one of warning, street, information (found "neon")`,
      `${at}.lines must list 1 to 3 entries (found 4)`,
    ]);
    expect(suiteProblems(suite([{ draw: { kind: 'colour', colour: 'red' }, data: 'AAAA' }]))).toEqual([
      'task 1 ("look"): picture 1 must have either "draw" (a picture the app draws) or "data" (a picture of your own), not both',
    ]);
    expect(suiteProblems(suite([]))).toEqual(['task 1 ("look"): "pictures" must be a non-empty list']);
    expect(suiteProblems(suite(undefined))).toEqual(['task 1 ("look"): a "vision" task needs "pictures" to show the model']);
  });
});

describe('suite versions', () => {
  const textTask = { id: 'a', category: 'reasoning', title: 'A', prompt: 'What is 6 × 7?', maxNewTokens: 32, checker: { kind: 'number', expected: 42 } };
  const withVersion = (version: unknown) => ({ format: 'on-device-playground/scorecard-suite', version, name: 'Mine', tasks: [textTask] });

  it('is version 3 now, and versions 1 and 2 still read', () => {
    expect(SUITE_VERSION).toBe(3);
    expect(BUILTIN_SUITE.version).toBe(3);
    for (const version of [1, 2, 3]) expect(parseSuite(withVersion(version)).version).toBe(version);
    expect(suiteProblems(withVersion(4))).toEqual(['"version" must be 1, 2 or 3 (found 4)']);
  });

  it('refuses pictures in a version 1 or 2 suite, saying they need version 3', () => {
    const colour = [{ draw: { kind: 'colour', colour: 'red' } }];
    expect(suiteProblems(suite(colour, 2))).toEqual(['task 1 ("look"): "pictures" need "version": 3 (this file says 2)']);
    expect(suiteProblems(suite(colour, 1))).toEqual(['task 1 ("look"): "pictures" need "version": 3 (this file says 1)']);
  });
});

describe('the built-in Vision tasks', () => {
  const vision = BUILTIN_SUITE.tasks.filter((t) => t.category === 'vision');

  it('draw a receipt, a bar chart, shapes, a table, a sign and a colour, each checked by an existing checker', () => {
    expect(CATEGORY_LABELS.vision).toBe('Vision (pictures)');
    expect(vision.map((t) => [t.pictures!.map((p) => ('draw' in p ? p.draw.kind : 'own')).join(), t.checker.kind])).toEqual([
      ['receipt', 'number'],
      ['bar-chart', 'choice'],
      ['shapes', 'number'],
      ['table', 'json-schema'],
      ['sign', 'contains'],
      ['colour', 'choice'],
    ]);
    const colour = vision.find((t) => t.pictures![0] && 'draw' in t.pictures![0] && t.pictures![0].draw.kind === 'colour')!;
    expect(colour.checker).toMatchObject({ kind: 'choice', labels: ['red', 'green', 'blue'] });
    // The template a user downloads carries the drawings and reads back the same.
    expect(parseSuite(builtinSuiteTemplate()).tasks.filter((t) => t.pictures)).toEqual(vision);
  });

  it.each(vision.map((t) => [t.id, t] as const))('%s: the reference passes and a look-alike answer fails', async (_id, task: ScorecardTask) => {
    const env = { runCode: async () => { throw new Error('no code here'); } };
    expect(await checkAnswer(task, task.reference!, env)).toMatchObject({ passed: true });
    expect((await checkAnswer(task, 'I cannot see any picture.', env)).passed).toBe(false);
  });
});

/** Every step's extent, to check it lies on the canvas. */
function extent(step: PaintStep): [number, number, number, number] {
  switch (step.op) {
    case 'rect':
      return [step.x, step.y, step.x + step.width, step.y + step.height];
    case 'circle':
      return [step.x - step.radius, step.y - step.radius, step.x + step.radius, step.y + step.radius];
    case 'polygon': {
      const xs = step.points.map(([x]) => x);
      const ys = step.points.map(([, y]) => y);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    }
    case 'line':
      return [Math.min(step.from[0], step.to[0]), Math.min(step.from[1], step.to[1]), Math.max(step.from[0], step.to[0]), Math.max(step.from[1], step.to[1])];
    case 'text': {
      const left = step.align === 'left' ? step.x : step.align === 'right' ? step.x - step.maxWidth : step.x - step.maxWidth / 2;
      const size = Number(/(\d+)px/.exec(step.font)![1]);
      return [left, step.y - size / 2, left + step.maxWidth, step.y + size / 2];
    }
  }
}

const texts = (drawing: Drawing) => drawing.steps.flatMap((s) => (s.op === 'text' ? [s.text] : []));

describe('drawn pictures', () => {
  const specs = BUILTIN_SUITE.tasks.flatMap((t) => (t.pictures ?? []).flatMap((p) => ('draw' in p ? [p.draw] : [])));
  const largest: DrawingSpec[] = [
    { kind: 'receipt', shop: 'S', items: Array.from({ length: 8 }, (_, i) => ({ name: `Item ${i}`, price: 10 })) },
    { kind: 'table', rows: Array.from({ length: 6 }, () => ['a', 'b', 'c', 'd']) },
    { kind: 'sign', style: 'street', lines: ['ONE', 'TWO', 'THREE'] },
    { kind: 'bar-chart', bars: Array.from({ length: 6 }, (_, i) => ({ label: `b${i}`, value: i })) },
  ];

  it.each([...specs, ...largest].map((spec) => [spec.kind, spec] as const))(
    '%s: a size the model reads unresized, everything on the canvas',
    (_kind, spec) => {
      const drawing = layoutDrawing(spec);
      expect(drawing.width % 32).toBe(0);
      expect(drawing.height % 32).toBe(0);
      expect(drawing.width * drawing.height).toBeLessThanOrEqual(DEFAULT_PIXEL_BUDGET);
      expect(planImage(drawing.width, drawing.height)).toMatchObject({ width: drawing.width, height: drawing.height });
      for (const step of drawing.steps) {
        const [left, top, right, bottom] = extent(step);
        expect([left >= 0, top >= 0, right <= drawing.width, bottom <= drawing.height], JSON.stringify(step)).toEqual([true, true, true, true]);
      }
    },
  );

  it('draws every item and price of a receipt, and no total', () => {
    const drawing = layoutDrawing({ kind: 'receipt', shop: 'CORNER MARKET', items: [{ name: 'Bread', price: 2.4 }, { name: 'Milk', price: 1.15 }] });
    expect(texts(drawing)).toEqual(['CORNER MARKET', 'Bread', '2.40', 'Milk', '1.15']);
  });

  it('draws bars to scale, the tallest for the largest value', () => {
    const drawing = layoutDrawing({ kind: 'bar-chart', bars: [{ label: 'a', value: 10 }, { label: 'b', value: 40 }, { label: 'c', value: 20 }] });
    const heights = drawing.steps.flatMap((s) => (s.op === 'rect' ? [s.height] : []));
    expect(heights[1] / heights[0]).toBeCloseTo(4, 1);
    expect(heights[2] / heights[0]).toBeCloseTo(2, 1);
    expect(texts(drawing)).toEqual(['a', 'b', 'c']);
  });

  it('draws exactly the shapes asked for, each in its own cell', () => {
    const drawing = layoutDrawing({ kind: 'shapes', shapes: [{ shape: 'circle', count: 5 }, { shape: 'square', count: 3 }, { shape: 'triangle', count: 8 }] });
    expect(drawing.steps.filter((s) => s.op === 'circle')).toHaveLength(5);
    expect(drawing.steps.filter((s) => s.op === 'rect')).toHaveLength(3);
    expect(drawing.steps.filter((s) => s.op === 'polygon')).toHaveLength(8);
    const centres = drawing.steps.map((s) => extent(s)).map(([l, t, r, b]) => `${Math.floor((l + r) / 2 / 112)},${Math.floor((t + b) / 2 / 112)}`);
    expect(new Set(centres).size).toBe(16);
  });

  it('draws every cell of a table and every line of a sign', () => {
    expect(texts(layoutDrawing({ kind: 'table', rows: [['Name', 'Team'], ['Ana', 'Red']] }))).toEqual(['Name', 'Team', 'Ana', 'Red']);
    expect(texts(layoutDrawing({ kind: 'sign', style: 'warning', lines: ['DANGER', 'DEEP WATER'] }))).toEqual(['DANGER', 'DEEP WATER']);
  });

  it('paints a colour picture mostly in its colour', () => {
    const drawing = layoutDrawing({ kind: 'colour', colour: 'blue' });
    expect(drawing.background).toBe('#1e50dc');
    const disc = drawing.steps.find((s) => s.op === 'circle')!;
    expect(disc.op === 'circle' && (Math.PI * disc.radius ** 2) / (drawing.width * drawing.height)).toBeLessThan(0.1);
  });
});

describe('picture headers', () => {
  it("reads a PNG's and a JPEG's size without decoding them", () => {
    expect(readImageHeader(tinyPng(3, 2))).toEqual({ ok: true, type: 'image/png', width: 3, height: 2 });
    expect(readImageHeader(jpegHead(1920, 1080))).toEqual({ ok: true, type: 'image/jpeg', width: 1920, height: 1080 });
    // Fill bytes before a marker are allowed.
    const head = jpegHead(640, 480);
    const filled = Buffer.concat([head.subarray(0, 2), Buffer.from([0xff, 0xff]), head.subarray(2)]);
    expect(readImageHeader(filled)).toMatchObject({ ok: true, width: 640, height: 480 });
  });
});

describe('tasks not asked because the model reads text only', () => {
  /** The realistic run with every Vision task marked as not asked. */
  function textOnly(): ResultsDocument {
    const document = realisticDocument();
    const [run] = document.scorecard;
    run.results = run.results.map((r): ScorecardTaskResult =>
      r.category === 'vision' ? { ...r, passed: false, unsupported: 'images', detail: 'this model reads text only', answer: '', ms: 0, promptTokens: 0, generatedTokens: 0 } : r,
    );
    return document;
  }
  const document = textOnly();
  const results = document.scorecard[0].results;
  const vision = results.filter((r) => r.category === 'vision').length;

  it('are left out of the totals and of the Vision row, which says why', () => {
    expect(vision).toBeGreaterThanOrEqual(5);
    const asked = results.filter((r) => r.category !== 'vision');
    expect(scoreTotals(results)).toMatchObject({
      passed: asked.filter((r) => r.passed).length,
      answered: asked.length,
      unsupported: vision,
      notAsked: { tools: 0, images: vision },
    });
    expect(scoreByCategory(results).vision).toEqual({ passed: 0, total: 0, unsupported: vision, notAsked: ['images'] });
    expect(notAskedText(['images'], 'short')).toBe('reads text only');
    const chart = scorecardChartData(categoryCounts([{ modelId: 'm', results }]));
    const at = chart.labels.indexOf('Vision (pictures)');
    expect(chart.series[0].values[at]).toBeNull();
    expect(chart.series[0].tooltips?.[at]).toBe('m, Vision (pictures): this model reads text only');
  });

  it('come back as not asked from the JSON file and from a link, and have their own verdict in the CSV and tables', () => {
    const fromJson = parseResultsDocument(resultsJson(document));
    expect(fromJson.ok && fromJson.document.scorecard[0].results.filter((r) => r.unsupported === 'images')).toHaveLength(vision);
    const fromLink = fromLinkPayload(JSON.parse(JSON.stringify(toLinkPayload(document))));
    if (!fromLink.ok) throw new Error(fromLink.error);
    const linked = fromLink.document.scorecard[0].results.filter((r) => r.category === 'vision');
    expect(linked.map((r) => [r.unsupported, r.passed, r.detail])).toEqual(Array.from({ length: vision }, () => ['images', false, 'this model reads text only']));
    const row = scorecardTasksCsv(document).split('\r\n').find((line) => line.includes('vision-receipt-total'))!;
    expect(row).toContain('false,reads text only,this model reads text only');
    expect(scorecardSummaryCsv(document).split('\r\n').find((line) => line.includes(',vision,'))).toContain(`,vision,0,0,,${vision},`);
    const table = scorecardSummaryTable(document.scorecard);
    expect(table.header).toContain('Not asked');
    expect(table.rows.find((r) => r[2] === 'Vision (pictures)')?.slice(3, 7)).toEqual(['0', '0', '–', String(vision)]);
  });
});
