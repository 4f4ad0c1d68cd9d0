import { speak, stopSpeaking, voiceFor, whenVoicesReady } from '../islands/speech.ts';

/**
 * The voice of a pupil's screen, as a plain script (no framework: a pupil's screen carries no
 * React). The server renders every speaker button (`button.say`, with the words in `data-say`
 * and a recorded voice's address in `data-voice`) hidden; this script shows each one that can
 * speak — a recording first, the device's own voice second — and leaves a button with neither
 * hidden rather than dead. The screen's instruction (`data-auto`) is spoken when the screen
 * opens, where the browser allows sound before a tap. See components/pupil/PupilVoice.astro.
 */
let playing: HTMLAudioElement | null = null;

function stop() {
  stopSpeaking();
  if (playing) {
    playing.pause();
    playing = null;
  }
}

/**
 * What a speaker button can say on this device, best first: the recording in the board's language,
 * the device's voice in the words' language, the recorded Dutch word, the device's Dutch voice
 * reading the Dutch words. Empty: nothing (the button stays hidden).
 */
type Way = { audio: string } | { text: string; lang: string };
function waysOf(button: HTMLButtonElement, lang: string): Way[] {
  const ways: Way[] = [];
  const text = button.dataset.say ?? '';
  const wordsLang = button.dataset.lang || lang;
  if (button.dataset.voice) ways.push({ audio: button.dataset.voice });
  if (voiceFor(wordsLang)) ways.push({ text, lang: wordsLang });
  const nl = button.dataset.sayNl;
  if (nl) {
    if (button.dataset.voiceNl) ways.push({ audio: button.dataset.voiceNl });
    if (voiceFor('nl')) ways.push({ text: nl, lang: 'nl' });
  }
  return ways;
}

function sayWith(ways: Way[], done: () => void): void {
  const [way, ...rest] = ways;
  if (!way) {
    done();
    return;
  }
  if ('audio' in way) {
    const audio = new Audio(way.audio);
    playing = audio;
    audio.addEventListener('ended', done);
    // A recording that cannot play (removed, or a format this device lacks): the next way.
    audio.play().catch(() => sayWith(rest, done));
    return;
  }
  if (!speak(way.text, way.lang, { onEnd: done })) sayWith(rest, done);
}

function say(button: HTMLButtonElement, lang: string): void {
  stop();
  button.setAttribute('aria-pressed', 'true');
  sayWith(waysOf(button, lang), () => button.setAttribute('aria-pressed', 'false'));
}

export function startPupilVoice(lang: string): () => void {
  let alive = true;
  const onClick = (event: MouseEvent) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button.say');
    if (button) say(button, lang);
  };
  document.addEventListener('click', onClick);
  void whenVoicesReady().then(() => {
    if (!alive) return;
    for (const button of document.querySelectorAll<HTMLButtonElement>('button.say')) {
      if (waysOf(button, lang).length > 0) button.hidden = false;
    }
    // Every button marked to speak on arrival, in order (a wrong code: what happened, then what to do).
    const auto = [...document.querySelectorAll<HTMLButtonElement>('button.say[data-auto]')].filter((b) => !b.hidden);
    const next = (i: number) => {
      const button = auto[i];
      if (!button || !alive) return;
      button.setAttribute('aria-pressed', 'true');
      sayWith(waysOf(button, lang), () => {
        button.setAttribute('aria-pressed', 'false');
        next(i + 1);
      });
    };
    next(0);
  });
  return () => {
    alive = false;
    document.removeEventListener('click', onClick);
    stop();
  };
}
