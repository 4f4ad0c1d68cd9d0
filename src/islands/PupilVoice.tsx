import { useEffect } from 'react';
import { speak, stopSpeaking, voiceFor, whenVoicesReady } from './speech.ts';

/**
 * The voice of a pupil's screen. The server renders every speaker button (`button.say`, with
 * the words in `data-say` and a recorded voice's address in `data-voice`) hidden; this island
 * shows each one that can speak — a recording first, the device's own voice second — and leaves
 * a button with neither hidden rather than dead. The screen's instruction (`data-auto`) is
 * spoken when the screen opens, where the browser allows sound before a tap.
 */
interface Props {
  lang: string;
}

let playing: HTMLAudioElement | null = null;

function stop() {
  stopSpeaking();
  if (playing) {
    playing.pause();
    playing = null;
  }
}

function say(button: HTMLButtonElement, lang: string, hasVoice: boolean): void {
  stop();
  const text = button.dataset.say ?? '';
  const recorded = button.dataset.voice;
  button.setAttribute('aria-pressed', 'true');
  const done = () => button.setAttribute('aria-pressed', 'false');
  if (recorded) {
    const audio = new Audio(recorded);
    playing = audio;
    audio.addEventListener('ended', done);
    audio.play().catch(() => {
      // A recording that cannot play (removed, or a format this device lacks): the device's voice.
      if (hasVoice) speak(text, lang, { onEnd: done });
      else done();
    });
    return;
  }
  if (!speak(text, lang, { onEnd: done })) done();
}

export default function PupilVoice({ lang }: Props) {
  useEffect(() => {
    let alive = true;
    let hasVoice = false;
    const onClick = (event: MouseEvent) => {
      const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button.say');
      if (button) say(button, lang, hasVoice);
    };
    document.addEventListener('click', onClick);
    void whenVoicesReady().then(() => {
      if (!alive) return;
      hasVoice = !!voiceFor(lang);
      for (const button of document.querySelectorAll<HTMLButtonElement>('button.say')) {
        if (button.dataset.voice || hasVoice) button.hidden = false;
      }
      const first = document.querySelector<HTMLButtonElement>('button.say[data-auto]');
      if (first && !first.hidden) say(first, lang, hasVoice);
    });
    return () => {
      alive = false;
      document.removeEventListener('click', onClick);
      stop();
    };
  }, [lang]);
  return null;
}
