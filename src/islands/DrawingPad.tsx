import './drawing-pad.css';
import { useEffect, useRef, useState } from 'react';

/**
 * A pupil's drawing: a finger (or mouse, or pen) draws on a canvas; big colour buttons, a
 * thicker pen, undo and start again. Save sends the drawing as a PNG through the page's own
 * form (a file field filled from the canvas), so the server judges and re-encodes it like any
 * upload. The drawing is kept on this device, per pupil, until it is saved.
 */
interface Props {
  /** Where the page's form posts. */
  action: string;
  round: string;
  kind: string;
  /** Keeps an unsaved drawing on this device for this pupil and round. */
  draftKey: string;
  labels: {
    canvas: string;
    colour: string;
    colours: Record<string, string>;
    thick: string;
    undo: string;
    clear: string;
    save: string;
    saving: string;
  };
}

const COLOURS = { black: '#1d2327', red: '#c62828', blue: '#1565c0', green: '#2e7d32', yellow: '#f9a825', purple: '#6a1b9a' } as const;
type Colour = keyof typeof COLOURS;
const WIDTH = 900;
const HEIGHT = 675;

type Stroke = { colour: string; width: number; points: [number, number][] };

function paint(ctx: CanvasRenderingContext2D, strokes: Stroke[]) {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
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

export default function DrawingPad({ action, round, kind, draftKey, labels }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const [strokes, setStrokes] = useState<Stroke[]>([]);
  const [colour, setColour] = useState<Colour>('black');
  const [thick, setThick] = useState(false);
  const [saving, setSaving] = useState(false);
  const current = useRef<Stroke | null>(null);

  useEffect(() => {
    try {
      const kept = JSON.parse(sessionStorage.getItem(draftKey) ?? 'null') as Stroke[] | null;
      if (Array.isArray(kept)) setStrokes(kept);
    } catch {
      /* nothing kept */
    }
  }, [draftKey]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (ctx) paint(ctx, current.current ? [...strokes, current.current] : strokes);
    try {
      if (strokes.length) sessionStorage.setItem(draftKey, JSON.stringify(strokes));
      else sessionStorage.removeItem(draftKey);
    } catch {
      /* storage full or off: the drawing stays on screen */
    }
  }, [strokes, draftKey]);

  const at = (event: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const box = event.currentTarget.getBoundingClientRect();
    return [Math.round(((event.clientX - box.left) / box.width) * WIDTH), Math.round(((event.clientY - box.top) / box.height) * HEIGHT)];
  };

  const down = (event: React.PointerEvent<HTMLCanvasElement>) => {
    event.currentTarget.setPointerCapture(event.pointerId);
    current.current = { colour: COLOURS[colour], width: thick ? 22 : 9, points: [at(event)] };
    const ctx = canvas.current?.getContext('2d');
    if (ctx) paint(ctx, [...strokes, current.current]);
  };
  const move = (event: React.PointerEvent<HTMLCanvasElement>) => {
    if (!current.current) return;
    current.current.points.push(at(event));
    const ctx = canvas.current?.getContext('2d');
    if (ctx) paint(ctx, [...strokes, current.current]);
  };
  const up = () => {
    if (!current.current) return;
    const stroke = current.current;
    current.current = null;
    setStrokes((s) => [...s, stroke]);
  };

  const save = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (saving || !canvas.current || !file.current || strokes.length === 0) return;
    setSaving(true);
    canvas.current.toBlob((blob) => {
      if (!blob || !file.current || !form.current) {
        setSaving(false);
        return;
      }
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'drawing.png', { type: 'image/png' }));
      file.current.files = transfer.files;
      // The draft stays until the server has it: the next page (after a successful save) is another page.
      form.current.submit();
    }, 'image/png');
  };

  return (
    <form ref={form} method="post" action={action} encType="multipart/form-data" className="drawing-pad" onSubmit={save}>
      <input type="hidden" name="round" value={round} />
      <input type="hidden" name="kind" value={kind} />
      <input ref={file} type="file" name="drawing" accept="image/png" hidden tabIndex={-1} />
      <canvas
        ref={canvas}
        width={WIDTH}
        height={HEIGHT}
        className="drawing-pad__canvas"
        role="img"
        aria-label={labels.canvas}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      <fieldset className="drawing-pad__colours">
        <legend className="visually-hidden">{labels.colour}</legend>
        {(Object.keys(COLOURS) as Colour[]).map((c) => (
          <button
            key={c}
            type="button"
            className={`drawing-pad__colour drawing-pad__colour--${c}`}
            aria-pressed={colour === c}
            aria-label={labels.colours[c]}
            onClick={() => setColour(c)}
          />
        ))}
        <button type="button" className="drawing-pad__tool" aria-pressed={thick} onClick={() => setThick((v) => !v)}>
          <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
            <path d="M4 20L20 4" stroke="currentColor" strokeWidth={thick ? 6 : 2.5} strokeLinecap="round" />
          </svg>
          {labels.thick}
        </button>
      </fieldset>
      <div className="drawing-pad__actions">
        <button
          type="button"
          className="button button--secondary"
          disabled={strokes.length === 0}
          onClick={() => setStrokes((s) => s.slice(0, -1))}
        >
          {labels.undo}
        </button>
        <button type="button" className="button button--secondary" disabled={strokes.length === 0} onClick={() => setStrokes([])}>
          {labels.clear}
        </button>
        <button type="submit" className="button pupil-button" disabled={saving || strokes.length === 0}>
          {saving ? labels.saving : labels.save}
        </button>
      </div>
    </form>
  );
}
