import './circles-plan.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { circleRadius, visibleCircles } from '~/domain/needs.ts';
import { PLAN_CIRCLES, type PlanCircle } from '~/domain/pictograms.ts';

/**
 * The class plan in differentiation circles ("Mickey Mouse"): the basis for the whole class, two
 * ears (intensive, deepened) and earrings (very intensive, very deepened) that appear when a
 * pupil is placed in them. Each circle is sized by how many pupils it holds, with their names
 * inside. A pupil moves by dragging their name onto another circle, or by choosing the circle in
 * the list beside the picture (keyboard, screen reader, and no script at all: the lists are a
 * plain form). The picture is drawn for the eye; the lists say the same for a screen reader.
 */
interface Props {
  action: string;
  pupils: { id: string; name: string }[];
  places: Record<string, PlanCircle>;
  labels: {
    circles: Record<PlanCircle, string>;
    moveLabel: string;
    moved: string;
    save: string;
    picture: string;
    empty: string;
    dragHint: string;
    unsaved: string;
  };
}

type Geometry = { circle: PlanCircle; cx: number; cy: number; r: number };

const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(values[k] ?? ''));

const LABEL_SIZE = 22;

/** A generous guess of a bold label's width (the picture is laid out before it is drawn). */
const labelWidth = (text: string) => [...text].length * LABEL_SIZE * 0.62;

/**
 * Where a circle's name and count go (the middle of the text): above an ear, inside the top of
 * the basis, and beside an earring on the outer side, where no other circle is.
 */
function labelSpot(g: Geometry, label: string): { x: number; y: number } {
  if (g.circle === 'basis') return { x: g.cx, y: g.cy - g.r * 0.62 };
  if (g.circle === 'very-intensive' || g.circle === 'very-deepened') {
    const side = g.circle === 'very-intensive' ? -1 : 1;
    return { x: g.cx + side * (g.r + 10 + labelWidth(label) / 2), y: g.cy + LABEL_SIZE * 0.35 };
  }
  return { x: g.cx, y: g.cy - g.r - 10 };
}

function layout(
  places: Record<string, PlanCircle>,
  total: number,
  labelOf: (c: PlanCircle) => string,
): { circles: Geometry[]; box: string } {
  const count = (c: PlanCircle) => Object.values(places).filter((p) => p === c).length;
  const shown = visibleCircles(places);
  const rb = circleRadius('basis', count('basis'), total);
  const circles: Geometry[] = [{ circle: 'basis', cx: 0, cy: 0, r: rb }];
  const ear = (circle: PlanCircle, side: -1 | 1) => {
    const r = circleRadius(circle, count(circle), total);
    const d = rb + r * 0.55;
    const g = { circle, cx: side * d * Math.SQRT1_2, cy: -d * Math.SQRT1_2, r };
    circles.push(g);
    return g;
  };
  const left = ear('intensive', -1);
  const right = ear('deepened', 1);
  const earring = (circle: PlanCircle, of: Geometry, side: -1 | 1) => {
    if (!shown.includes(circle)) return;
    const r = circleRadius(circle, count(circle), total);
    const d = of.r + r * 0.8;
    circles.push({ circle, cx: of.cx + side * d * 0.8, cy: of.cy + d * 0.6, r });
  };
  earring('very-intensive', left, -1);
  earring('very-deepened', right, 1);
  const pad = 12;
  // Every circle and every label fits: a label wider than its circle widens the picture.
  const extents = circles.flatMap((c) => {
    const at = labelSpot(c, labelOf(c.circle));
    const half = labelWidth(labelOf(c.circle)) / 2;
    return [
      { x0: c.cx - c.r, x1: c.cx + c.r, y0: c.cy - c.r, y1: c.cy + c.r },
      { x0: at.x - half, x1: at.x + half, y0: at.y - LABEL_SIZE, y1: at.y + LABEL_SIZE * 0.3 },
    ];
  });
  const minX = Math.min(...extents.map((e) => e.x0)) - pad;
  const maxX = Math.max(...extents.map((e) => e.x1)) + pad;
  const minY = Math.min(...extents.map((e) => e.y0)) - pad;
  const maxY = Math.max(...extents.map((e) => e.y1)) + pad;
  return { circles, box: `${Math.round(minX)} ${Math.round(minY)} ${Math.round(maxX - minX)} ${Math.round(maxY - minY)}` };
}

/** Names set in columns inside the square that fits in a circle, smaller when there are many. */
function nameSpots(g: Geometry, names: string[]) {
  const side = g.r * 1.25;
  let size = g.circle === 'basis' ? 22 : 18;
  let rows = Math.max(1, Math.floor((side - 30) / (size * 1.25)));
  let columns = Math.ceil(names.length / rows);
  while (columns * (size * 6.5) > side && size > 11) {
    size -= 1;
    rows = Math.max(1, Math.floor((side - 30) / (size * 1.25)));
    columns = Math.ceil(names.length / rows);
  }
  const width = side / Math.max(columns, 1);
  return names.map((name, i) => ({
    name,
    size,
    x: g.cx - side / 2 + width * (Math.floor(i / rows) + 0.5),
    y: g.cy - side / 2 + (g.circle === 'basis' ? 34 : 12) + (i % rows) * size * 1.25,
  }));
}

const COLOURS: Record<PlanCircle, string> = {
  basis: '#e3f0ef',
  intensive: '#fde7d9',
  deepened: '#e4e6fb',
  'very-intensive': '#fbd3bd',
  'very-deepened': '#cfd3f7',
};

export default function CirclesPlan({ action, pupils, places: initial, labels }: Props) {
  const [places, setPlaces] = useState<Record<string, PlanCircle>>(initial);
  const [said, setSaid] = useState('');
  const [drag, setDrag] = useState<{ id: string; x: number; y: number } | null>(null);
  const [focusOn, setFocusOn] = useState<string | null>(null);
  const submitting = useRef(false);
  const svg = useRef<SVGSVGElement>(null);
  const labelOf = (c: PlanCircle) => `${labels.circles[c]} · ${pupils.filter((p) => places[p.id] === c).length}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: labelOf reads only places, pupils and labels
  const { circles, box } = useMemo(() => layout(places, pupils.length, labelOf), [places, pupils, labels.circles]);
  const nameOf = useMemo(() => new Map(pupils.map((p) => [p.id, p.name])), [pupils]);
  const dirty = pupils.some((p) => places[p.id] !== initial[p.id]);

  // A moved pupil's row goes to another list (a new element): the focus follows it there.
  useEffect(() => {
    if (!focusOn) return;
    document.getElementById(`place-${focusOn}`)?.focus();
    setFocusOn(null);
  }, [focusOn]);

  // Leaving with changes not saved asks first.
  useEffect(() => {
    if (!dirty) return;
    const ask = (event: BeforeUnloadEvent) => {
      if (submitting.current) return;
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', ask);
    return () => window.removeEventListener('beforeunload', ask);
  }, [dirty]);

  const move = (id: string, circle: PlanCircle, keepFocus = false) => {
    setPlaces((p) => ({ ...p, [id]: circle }));
    setSaid(fill(labels.moved, { name: nameOf.get(id) ?? '', circle: labels.circles[circle] }));
    if (keepFocus) setFocusOn(id);
  };

  /**
   * Typing a letter chooses the next circle whose name starts with it, and again the one after
   * (Zeer intensief, then Zeer verdiept): the browser's own type-ahead starts over on the new
   * element each time a pupil moves.
   */
  const typeAhead = (event: React.KeyboardEvent<HTMLSelectElement>, id: string) => {
    if (event.key.length !== 1 || event.altKey || event.ctrlKey || event.metaKey || event.key === ' ') return;
    const letter = event.key.toLocaleLowerCase();
    const matching = PLAN_CIRCLES.filter((c) => labels.circles[c].toLocaleLowerCase().startsWith(letter));
    if (matching.length === 0) return;
    event.preventDefault();
    const now = matching.indexOf(places[id]!);
    const next = matching[(now + 1) % matching.length]!;
    if (next !== places[id]) move(id, next, true);
  };

  const point = (event: React.PointerEvent) => {
    const s = svg.current;
    if (!s) return null;
    const m = s.getScreenCTM();
    if (!m) return null;
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  };

  const drop = (event: React.PointerEvent) => {
    if (!drag) return;
    const p = point(event);
    setDrag(null);
    if (!p) return;
    // The smallest circle under the finger: an earring lies over its ear.
    const target = circles.filter((g) => Math.hypot(p.x - g.cx, p.y - g.cy) <= g.r).sort((a, b) => a.r - b.r)[0];
    if (target && target.circle !== places[drag.id]) move(drag.id, target.circle);
  };

  const members = (circle: PlanCircle) => pupils.filter((p) => places[p.id] === circle);

  return (
    <form
      method="post"
      action={action}
      className="plan"
      onSubmit={() => {
        submitting.current = true;
      }}
    >
      <div className="plan__picture-wrap">
        <svg
          ref={svg}
          className="plan__picture"
          viewBox={box}
          role="img"
          aria-label={labels.picture}
          onPointerMove={(e) => {
            if (!drag) return;
            const p = point(e);
            if (p) setDrag({ ...drag, ...p });
          }}
          onPointerUp={drop}
          onPointerCancel={() => setDrag(null)}
        >
          {circles.map((g) => (
            <g key={g.circle}>
              <circle
                cx={g.cx}
                cy={g.cy}
                r={g.r}
                fill={COLOURS[g.circle]}
                stroke="#1d2327"
                strokeWidth={3}
                strokeDasharray={members(g.circle).length === 0 && g.circle !== 'basis' ? '10 8' : undefined}
              />
              <text
                x={labelSpot(g, labelOf(g.circle)).x}
                y={labelSpot(g, labelOf(g.circle)).y}
                textAnchor="middle"
                className="plan__circle-label"
              >
                {labelOf(g.circle)}
              </text>
              {nameSpots(
                g,
                members(g.circle).map((p) => p.name),
              ).map((spot, i) => {
                const id = members(g.circle)[i]!.id;
                return (
                  <text
                    key={id}
                    x={spot.x}
                    y={spot.y}
                    fontSize={spot.size}
                    textAnchor="middle"
                    className="plan__name"
                    opacity={drag?.id === id ? 0.3 : 1}
                    onPointerDown={(e) => {
                      (e.currentTarget.ownerSVGElement ?? e.currentTarget).setPointerCapture?.(e.pointerId);
                      const p = point(e);
                      if (p) setDrag({ id, ...p });
                    }}
                  >
                    {spot.name}
                  </text>
                );
              })}
            </g>
          ))}
          {drag && (
            <text x={drag.x} y={drag.y} fontSize={22} textAnchor="middle" className="plan__name plan__name--dragged">
              {nameOf.get(drag.id)}
            </text>
          )}
        </svg>
        <p className="plan__hint muted">{labels.dragHint}</p>
      </div>
      <div className="plan__lists">
        {PLAN_CIRCLES.map((circle) => (
          <section key={circle} className="plan__list" aria-labelledby={`circle-${circle}`}>
            <h3 id={`circle-${circle}`}>
              {labels.circles[circle]} ({members(circle).length})
            </h3>
            {members(circle).length === 0 ? (
              <p className="muted">{labels.empty}</p>
            ) : (
              <ul>
                {members(circle).map((p) => (
                  <li key={p.id}>
                    <bdi>{p.name}</bdi>
                    <select
                      id={`place-${p.id}`}
                      name="places"
                      aria-label={fill(labels.moveLabel, { name: p.name })}
                      value={`${p.id}:${circle}`}
                      onChange={(e) => move(p.id, e.currentTarget.value.split(':')[1] as PlanCircle, true)}
                      onKeyDown={(e) => typeAhead(e, p.id)}
                    >
                      {PLAN_CIRCLES.map((c) => (
                        <option key={c} value={`${p.id}:${c}`}>
                          {labels.circles[c]}
                        </option>
                      ))}
                    </select>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
      <p className="visually-hidden" role="status">
        {said}
      </p>
      <div className="plan__save no-print">
        <button type="submit" className="button">
          {labels.save}
        </button>
        {dirty && <p className="plan__unsaved">{labels.unsaved}</p>}
      </div>
    </form>
  );
}
