import { speak, stopSpeaking } from '../islands/speech.ts';

/**
 * The picture code pad's taps on this device (components/pupil/PicturePad.astro renders the form,
 * which works without this): a tap says the picture's name, fills the next slot and keeps the
 * picture in a hidden field of the form; the third tap sends the form. "Start again" empties the
 * slots here instead of posting. Nothing is kept outside the form (no storage: a class tablet is
 * shared). Plain script, no framework.
 */
const CODE_LENGTH = 3;

export function startPicturePad(form: HTMLFormElement): void {
  const lang = form.dataset.picturePad ?? 'nl';
  const empty = form.dataset.labelEmpty ?? '';
  const slots = [...form.querySelectorAll<HTMLLIElement>('.pad__slot')];
  const pictures = [...form.querySelectorAll<HTMLButtonElement>('button[name=pick]')];
  const clear = form.querySelector<HTMLButtonElement>('button[name=clear]');
  const fields = () => [...form.querySelectorAll<HTMLInputElement>('input[name=picked]')];
  let sending = false;

  const show = () => {
    const picked = fields();
    slots.forEach((slot, i) => {
      const value = picked[i]?.value;
      const button = pictures.find((b) => b.value === value);
      slot.querySelector('svg')?.remove();
      slot.classList.toggle('pad__slot--full', Boolean(button));
      if (button) {
        const art = button.querySelector('svg')?.cloneNode(true) as SVGSVGElement | undefined;
        if (art) {
          art.setAttribute('width', '56');
          art.setAttribute('height', '56');
          slot.prepend(art);
        }
      }
      const name = slot.querySelector('[data-slot-name]');
      if (name) name.textContent = button?.getAttribute('aria-label') ?? empty;
    });
    for (const picture of pictures) picture.disabled = sending;
    if (clear) clear.disabled = picked.length === 0 || sending;
  };

  for (const picture of pictures) {
    picture.addEventListener('click', (event) => {
      event.preventDefault();
      if (sending || fields().length >= CODE_LENGTH) return;
      stopSpeaking();
      speak(picture.getAttribute('aria-label') ?? '', lang);
      const field = document.createElement('input');
      field.type = 'hidden';
      field.name = 'picked';
      field.value = picture.value;
      const last = fields().at(-1);
      if (last) last.after(field);
      else form.prepend(field);
      if (fields().length === CODE_LENGTH) sending = true;
      show();
      // Let the third picture show in its slot before the page changes.
      if (sending) setTimeout(() => form.requestSubmit(), 350);
    });
  }
  clear?.addEventListener('click', (event) => {
    event.preventDefault();
    for (const field of fields()) field.remove();
    show();
  });
  // Back to this page from the next one (the browser's page cache): the slots start empty again,
  // never showing the code just sent.
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    sending = false;
    for (const field of fields()) field.remove();
    show();
  });
  show();
}
