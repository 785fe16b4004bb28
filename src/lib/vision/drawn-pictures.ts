// Pictures the app draws itself for picture questions (a receipt, a bar chart, shapes to count, a
// table, a sign, a patch of colour): described as data in a suite, laid out here as a list of
// paint steps, and painted by paint-drawing.ts. Fixed sizes, fonts and colours, so the same
// description is the same picture on every run, and its answer can be checked like any other.
// Every size is a multiple of 32 pixels within the 448×448 budget: the model reads exactly these
// pixels, never a blurred resize of them.

export type ShapeKind = 'circle' | 'square' | 'triangle';
export type SignStyle = 'warning' | 'street' | 'information';

/** Colours a `colour` picture can be, each far from the others. */
export const COLOURS = {
  red: '#dc1e1e',
  green: '#1e9f3c',
  blue: '#1e50dc',
  yellow: '#f5c800',
  orange: '#f07800',
  purple: '#7828b4',
} as const;
export type ColourName = keyof typeof COLOURS;

/** A shop receipt: the shop's name and its line items with prices (no total line: that is the question). */
export interface ReceiptDrawing {
  kind: 'receipt';
  shop: string;
  items: { name: string; price: number }[];
}

/** Bars with a label under each, drawn to scale, without figures: which is tallest is read by eye. */
export interface BarChartDrawing {
  kind: 'bar-chart';
  title?: string;
  bars: { label: string; value: number }[];
}

/** Dark shapes on white, mixed on a 4×4 grid. */
export interface ShapesDrawing {
  kind: 'shapes';
  shapes: { shape: ShapeKind; count: number }[];
}

/** A grid of text; the first row is the header. */
export interface TableDrawing {
  kind: 'table';
  rows: string[][];
}

/** A road sign with one to three lines of capitals. */
export interface SignDrawing {
  kind: 'sign';
  style: SignStyle;
  lines: string[];
}

/** One colour over nearly the whole picture, with a small white disc in the middle. */
export interface ColourDrawing {
  kind: 'colour';
  colour: ColourName;
}

export type DrawingSpec = ReceiptDrawing | BarChartDrawing | ShapesDrawing | TableDrawing | SignDrawing | ColourDrawing;
export type DrawingKind = DrawingSpec['kind'];

/** What a drawing may hold so that its text stays legible at its fixed size. */
export const DRAWING_LIMITS = {
  receipt: { items: { min: 1, max: 8 }, shopChars: 24, itemChars: 18, maxPrice: 99_999.99 },
  'bar-chart': { bars: { min: 2, max: 6 }, titleChars: 32, labelChars: 12, maxValue: 1_000_000 },
  shapes: { maxTotal: 16, kinds: ['circle', 'square', 'triangle'] as readonly ShapeKind[] },
  table: { rows: { min: 2, max: 6 }, columns: { min: 2, max: 4 }, cellChars: 12 },
  sign: { lines: { min: 1, max: 3 }, lineChars: 14, styles: ['warning', 'street', 'information'] as readonly SignStyle[] },
  colour: {},
} as const;

export const DRAWING_KINDS = Object.keys(DRAWING_LIMITS) as DrawingKind[];

/** The name a drawn picture goes by when the suite gives it none (also its thumbnail's alt text). */
export const DRAWING_NAMES: Readonly<Record<DrawingKind, string>> = {
  receipt: 'a shop receipt',
  'bar-chart': 'a bar chart',
  shapes: 'shapes to count',
  table: 'a table',
  sign: 'a sign',
  colour: 'a patch of colour',
};

type Point = readonly [x: number, y: number];

/** One paint step; text is centred vertically on `y` and squeezed to `maxWidth` if it is wider. */
export type PaintStep =
  | { op: 'rect'; x: number; y: number; width: number; height: number; fill?: string; stroke?: string; lineWidth?: number }
  | { op: 'circle'; x: number; y: number; radius: number; fill: string }
  | { op: 'polygon'; points: readonly Point[]; fill: string }
  | { op: 'line'; from: Point; to: Point; stroke: string; lineWidth: number; dash?: readonly number[] }
  | { op: 'text'; x: number; y: number; text: string; font: string; fill: string; align: 'left' | 'center' | 'right'; maxWidth: number };

export interface Drawing {
  width: number;
  height: number;
  background: string;
  steps: PaintStep[];
}

const INK = '#111111';
const PAPER = '#ffffff';
const GRID = 32;
const roundUp = (value: number) => Math.ceil(value / GRID) * GRID;

export function layoutDrawing(spec: DrawingSpec): Drawing {
  switch (spec.kind) {
    case 'receipt':
      return receipt(spec);
    case 'bar-chart':
      return barChart(spec);
    case 'shapes':
      return shapes(spec);
    case 'table':
      return table(spec);
    case 'sign':
      return sign(spec);
    case 'colour':
      return colour(spec);
  }
}

function receipt(spec: ReceiptDrawing): Drawing {
  const width = 384;
  const margin = 24;
  const priceWidth = 120;
  const firstRow = 120;
  const rowHeight = 44;
  const itemsEnd = firstRow + spec.items.length * rowHeight - rowHeight / 2;
  const height = roundUp(itemsEnd + 56);
  const dashed = (y: number): PaintStep => ({ op: 'line', from: [margin, y], to: [width - margin, y], stroke: INK, lineWidth: 2, dash: [8, 6] });
  const steps: PaintStep[] = [
    { op: 'text', x: width / 2, y: 44, text: spec.shop, font: 'bold 28px sans-serif', fill: INK, align: 'center', maxWidth: width - 2 * margin },
    dashed(84),
  ];
  spec.items.forEach((item, i) => {
    const y = firstRow + i * rowHeight;
    const font = 'bold 24px sans-serif';
    steps.push(
      { op: 'text', x: margin, y, text: item.name, font, fill: INK, align: 'left', maxWidth: width - 2 * margin - priceWidth - 8 },
      { op: 'text', x: width - margin, y, text: item.price.toFixed(2), font, fill: INK, align: 'right', maxWidth: priceWidth },
    );
  });
  steps.push(dashed(itemsEnd + 24));
  return { width, height, background: '#fffdf5', steps };
}

function barChart(spec: BarChartDrawing): Drawing {
  const size = 448;
  const left = 32;
  const right = size - 32;
  const axis = 372;
  const top = spec.title ? 80 : 40;
  const slot = (right - left) / spec.bars.length;
  const tallest = Math.max(...spec.bars.map((bar) => bar.value));
  const steps: PaintStep[] = [];
  if (spec.title) steps.push({ op: 'text', x: size / 2, y: 36, text: spec.title, font: 'bold 26px sans-serif', fill: INK, align: 'center', maxWidth: size - 32 });
  spec.bars.forEach((bar, i) => {
    const barHeight = tallest > 0 ? Math.round(((axis - top) * bar.value) / tallest) : 0;
    const x = left + i * slot;
    steps.push(
      { op: 'rect', x: Math.round(x + slot * 0.2), y: axis - barHeight, width: Math.round(slot * 0.6), height: barHeight, fill: '#1e50dc' },
      { op: 'text', x: x + slot / 2, y: axis + 32, text: bar.label, font: 'bold 22px sans-serif', fill: INK, align: 'center', maxWidth: slot - 4 },
    );
  });
  steps.push({ op: 'line', from: [left - 8, axis], to: [right + 8, axis], stroke: INK, lineWidth: 3 });
  return { width: size, height: size, background: PAPER, steps };
}

/** The 16 cells of the 4×4 grid in the order shapes fill them: spread out, not row by row. */
const CELL_ORDER = [5, 10, 0, 15, 3, 12, 6, 9, 1, 14, 8, 7, 2, 13, 11, 4];

function shapes(spec: ShapesDrawing): Drawing {
  const size = 448;
  const cell = size / 4;
  // Kinds take turns, so no kind sits in one block of the picture.
  const queue = spec.shapes.map((group) => ({ shape: group.shape, left: group.count }));
  const order: ShapeKind[] = [];
  while (queue.some((group) => group.left > 0)) {
    for (const group of queue) {
      if (group.left > 0) {
        order.push(group.shape);
        group.left--;
      }
    }
  }
  const fill = '#1f2937';
  const steps = order.map((shape, i): PaintStep => {
    const index = CELL_ORDER[i];
    const cx = (index % 4) * cell + cell / 2;
    const cy = Math.floor(index / 4) * cell + cell / 2;
    switch (shape) {
      case 'circle':
        return { op: 'circle', x: cx, y: cy, radius: 34, fill };
      case 'square':
        return { op: 'rect', x: cx - 32, y: cy - 32, width: 64, height: 64, fill };
      case 'triangle':
        return { op: 'polygon', points: [[cx, cy - 36], [cx + 38, cy + 30], [cx - 38, cy + 30]], fill };
    }
  });
  return { width: size, height: size, background: PAPER, steps };
}

function table(spec: TableDrawing): Drawing {
  const width = 448;
  const margin = 16;
  const rowHeight = 56;
  const columns = spec.rows[0].length;
  const columnWidth = (width - 2 * margin) / columns;
  const height = roundUp(2 * margin + spec.rows.length * rowHeight);
  const bottom = margin + spec.rows.length * rowHeight;
  const steps: PaintStep[] = [{ op: 'rect', x: margin, y: margin, width: width - 2 * margin, height: rowHeight, fill: '#e5e7eb' }];
  spec.rows.forEach((row, r) => {
    row.forEach((text, c) => {
      steps.push({
        op: 'text',
        x: margin + c * columnWidth + columnWidth / 2,
        y: margin + r * rowHeight + rowHeight / 2,
        text,
        font: r === 0 ? 'bold 24px sans-serif' : '24px sans-serif',
        fill: INK,
        align: 'center',
        maxWidth: columnWidth - 12,
      });
    });
  });
  for (let r = 0; r <= spec.rows.length; r++) {
    const y = margin + r * rowHeight;
    steps.push({ op: 'line', from: [margin, y], to: [width - margin, y], stroke: INK, lineWidth: 2 });
  }
  for (let c = 0; c <= columns; c++) {
    const x = margin + c * columnWidth;
    steps.push({ op: 'line', from: [x, margin], to: [x, bottom], stroke: INK, lineWidth: 2 });
  }
  return { width, height, background: PAPER, steps };
}

const SIGN_COLOURS: Readonly<Record<SignStyle, { face: string; border: string; text: string }>> = {
  warning: { face: '#facc15', border: INK, text: INK },
  street: { face: '#166534', border: PAPER, text: PAPER },
  information: { face: '#1d4ed8', border: PAPER, text: PAPER },
};

function sign(spec: SignDrawing): Drawing {
  const width = 448;
  const height = 320;
  const colours = SIGN_COLOURS[spec.style];
  const lineHeight = 64;
  const firstLine = height / 2 - ((spec.lines.length - 1) * lineHeight) / 2;
  return {
    width,
    height,
    background: '#d1d5db',
    steps: [
      { op: 'rect', x: 16, y: 16, width: width - 32, height: height - 32, fill: colours.face },
      { op: 'rect', x: 28, y: 28, width: width - 56, height: height - 56, stroke: colours.border, lineWidth: 8 },
      ...spec.lines.map(
        (text, i): PaintStep => ({ op: 'text', x: width / 2, y: firstLine + i * lineHeight, text, font: 'bold 44px sans-serif', fill: colours.text, align: 'center', maxWidth: width - 96 }),
      ),
    ],
  };
}

function colour(spec: ColourDrawing): Drawing {
  const size = 448;
  return { width: size, height: size, background: COLOURS[spec.colour], steps: [{ op: 'circle', x: size / 2, y: size / 2, radius: 64, fill: PAPER }] };
}
