import './picture-pad.css';
import { useRef, useState } from 'react';
import { PICTURE_ART } from '~/domain/picture-art.ts';
import { PICTURE_CODE_LENGTH, PICTURE_IDS, type PictureId } from '~/domain/pictures.ts';
import { speak, stopSpeaking } from './speech.ts';

/**
 * The picture code pad: nine big pictures, three slots. It is a real form, so it works
 * without JavaScript (each tap posts, the server keeps the picks); with JavaScript the taps stay
 * on the device, each picture says its name, and the third tap sends the code.
 */
interface Props {
  lang: string;
  /** Where the form posts (the sign-in action on this page). */
  action: string;
  picked: PictureId[];
  names: Record<PictureId, string>;
  labels: { slots: string; slot: string; empty: string; clear: string };
}

function Art({ id, size }: { id: PictureId; size: number }) {
  return (
    <svg
      viewBox="0 0 64 64"
      width={size}
      height={size}
      aria-hidden="true"
      focusable="false"
      // The art is the portal's own, fixed at build time (picture-art.ts): no person's text.
      // biome-ignore lint/security/noDangerouslySetInnerHtml: see above.
      dangerouslySetInnerHTML={{ __html: PICTURE_ART[id] }}
    />
  );
}

export default function PicturePad({ lang, action, picked: initial, names, labels }: Props) {
  const [picked, setPicked] = useState<PictureId[]>(initial);
  const [sending, setSending] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const choose = (event: React.MouseEvent, id: PictureId) => {
    event.preventDefault();
    if (sending || picked.length >= PICTURE_CODE_LENGTH) return;
    stopSpeaking();
    speak(names[id], lang);
    const next = [...picked, id];
    setPicked(next);
    if (next.length === PICTURE_CODE_LENGTH) {
      setSending(true);
      // Let the third picture show in its slot before the page changes.
      setTimeout(() => form.current?.requestSubmit(), 350);
    }
  };

  return (
    <form method="post" action={action} ref={form} className="pad">
      {picked.map((id, i) => (
        // A picture may be tapped twice: the position is what tells the inputs apart.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above.
        <input key={`${id}-${i}`} type="hidden" name="picked" value={id} />
      ))}
      <ol className="pad__slots" aria-label={labels.slots}>
        {Array.from({ length: PICTURE_CODE_LENGTH }, (_, i) => {
          const id = picked[i];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the slots are positions 1, 2, 3.
            <li key={i} className={id ? 'pad__slot pad__slot--full' : 'pad__slot'}>
              {id ? <Art id={id} size={56} /> : null}
              <span className="visually-hidden">
                {labels.slot.replace('{{n}}', String(i + 1))}: {id ? names[id] : labels.empty}
              </span>
            </li>
          );
        })}
      </ol>
      <div className="pad__grid">
        {PICTURE_IDS.map((id) => (
          <button
            key={id}
            type="submit"
            name="pick"
            value={id}
            className="pad__picture"
            aria-label={names[id]}
            disabled={sending}
            onClick={(e) => choose(e, id)}
          >
            <Art id={id} size={80} />
          </button>
        ))}
      </div>
      <button
        type="submit"
        name="clear"
        value="on"
        className="button button--secondary pad__clear"
        disabled={picked.length === 0 || sending}
        onClick={(e) => {
          e.preventDefault();
          setPicked([]);
        }}
      >
        {labels.clear}
      </button>
    </form>
  );
}
