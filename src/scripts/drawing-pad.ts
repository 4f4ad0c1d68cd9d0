/**
 * A pupil's drawing on the canvas that components/pupil/DrawingPad.astro renders: pointer events
 * (a finger, a mouse, a pen), six colours, a thicker pen, undo, start again, and Save, which puts
 * the canvas as a PNG in the form's file field and sends the form. The strokes live in this page
 * alone (no storage: a class tablet is shared; leaving the page without saving lets the drawing go).
 * Plain script, no framework.
 */

/** The pen's colours; drawing-pad.css paints the buttons with the same ones (the CSP allows no inline style). */
export const DRAWING_COLOURS = {
  black: '#1d2327',
  red: '#c62828',
  blue: '#1565c0',
  green: '#2e7d32',
  yellow: '#f9a825',
  purple: '#6a1b9a',
} as const;
type Colour = keyof typeof DRAWING_COLOURS;
export const DRAWING_WIDTH = 900;
export const DRAWING_HEIGHT = 675;

type Stroke = { colour: string; width: number; points: [number, number][] };

function paint(ctx: CanvasRenderingContext2D, strokes: Stroke[]): void {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, DRAWING_WIDTH, DRAWING_HEIGHT);
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
    ctx.strokeStyle = s.colour;
    ctx.lineWidth = s.width;
    ctx.beginPath();
    s.points.forEach(([x, y], i) => {
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    if (s.points.length === 1) ctx.lineTo(s.points[0]![0] + 0.1, s.points[0]![1]);
    ctx.stroke();
  }
}

export function startDrawingPad(form: HTMLFormElement): void {
  const canvas = form.querySelector<HTMLCanvasElement>('canvas');
  const file = form.querySelector<HTMLInputElement>('input[type=file]');
  const ctx = canvas?.getContext('2d');
  if (!canvas || !file || !ctx) return;
  const colours = [...form.querySelectorAll<HTMLButtonElement>('button[data-colour]')];
  const thickButton = form.querySelector<HTMLButtonElement>('button[data-thick]');
  const thickLine = thickButton?.querySelector('path');
  const undo = form.querySelector<HTMLButtonElement>('button[data-undo]');
  const clear = form.querySelector<HTMLButtonElement>('button[data-clear]');
  const save = form.querySelector<HTMLButtonElement>('button[data-save]');
  const saveLabel = save?.textContent ?? '';

  let strokes: Stroke[] = [];
  let current: Stroke | null = null;
  let colour: Colour = 'black';
  let thick = false;
  let saving = false;

  const show = () => {
    paint(ctx, current ? [...strokes, current] : strokes);
    for (const button of colours) button.setAttribute('aria-pressed', String(button.dataset.colour === colour));
    thickButton?.setAttribute('aria-pressed', String(thick));
    thickLine?.setAttribute('stroke-width', thick ? '6' : '2.5');
    if (undo) undo.disabled = strokes.length === 0;
    if (clear) clear.disabled = strokes.length === 0;
    if (save) {
      save.disabled = saving || strokes.length === 0;
      save.textContent = saving ? (form.dataset.labelSaving ?? saveLabel) : saveLabel;
    }
  };

  const at = (event: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [
      Math.round(((event.clientX - box.left) / box.width) * DRAWING_WIDTH),
      Math.round(((event.clientY - box.top) / box.height) * DRAWING_HEIGHT),
    ];
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    current = { colour: DRAWING_COLOURS[colour], width: thick ? 22 : 9, points: [at(event)] };
    paint(ctx, [...strokes, current]);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!current) return;
    current.points.push(at(event));
    paint(ctx, [...strokes, current]);
  });
  const up = () => {
    if (!current) return;
    strokes = [...strokes, current];
    current = null;
    show();
  };
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);

  for (const button of colours) {
    button.addEventListener('click', () => {
      colour = (button.dataset.colour as Colour | undefined) ?? 'black';
      show();
    });
  }
  thickButton?.addEventListener('click', () => {
    thick = !thick;
    show();
  });
  undo?.addEventListener('click', () => {
    strokes = strokes.slice(0, -1);
    show();
  });
  clear?.addEventListener('click', () => {
    strokes = [];
    show();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (saving || strokes.length === 0) return;
    saving = true;
    show();
    canvas.toBlob((blob) => {
      if (!blob) {
        saving = false;
        show();
        return;
      }
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'drawing.png', { type: 'image/png' }));
      file.files = transfer.files;
      form.submit();
    }, 'image/png');
  });
  // Back to this page from the browser's page cache (a send the network dropped): the drawing is
  // still here, and Save works again.
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    saving = false;
    show();
  });
  show();
}
