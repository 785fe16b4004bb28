// Paints a laid-out drawing (drawn-pictures.ts) on an off-screen canvas and returns it as a PNG,
// the same kind of file a user attaches, so it goes through preparePicture like any other picture.
import type { Drawing, PaintStep } from './drawn-pictures';

export async function paintDrawing(drawing: Drawing): Promise<Blob> {
  const canvas = new OffscreenCanvas(drawing.width, drawing.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw pictures off screen.');
  context.fillStyle = drawing.background;
  context.fillRect(0, 0, drawing.width, drawing.height);
  for (const step of drawing.steps) paint(context, step);
  return canvas.convertToBlob({ type: 'image/png' });
}

function paint(context: OffscreenCanvasRenderingContext2D, step: PaintStep): void {
  switch (step.op) {
    case 'rect':
      if (step.fill) {
        context.fillStyle = step.fill;
        context.fillRect(step.x, step.y, step.width, step.height);
      }
      if (step.stroke) {
        context.strokeStyle = step.stroke;
        context.lineWidth = step.lineWidth ?? 1;
        context.strokeRect(step.x, step.y, step.width, step.height);
      }
      return;
    case 'circle':
      context.fillStyle = step.fill;
      context.beginPath();
      context.arc(step.x, step.y, step.radius, 0, 2 * Math.PI);
      context.fill();
      return;
    case 'polygon':
      context.fillStyle = step.fill;
      context.beginPath();
      step.points.forEach(([x, y], i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
      context.closePath();
      context.fill();
      return;
    case 'line':
      context.strokeStyle = step.stroke;
      context.lineWidth = step.lineWidth;
      context.setLineDash(step.dash ? [...step.dash] : []);
      context.beginPath();
      context.moveTo(...step.from);
      context.lineTo(...step.to);
      context.stroke();
      context.setLineDash([]);
      return;
    case 'text':
      context.font = step.font;
      context.fillStyle = step.fill;
      context.textAlign = step.align;
      context.textBaseline = 'middle';
      context.fillText(step.text, step.x, step.y, step.maxWidth);
      return;
  }
}
