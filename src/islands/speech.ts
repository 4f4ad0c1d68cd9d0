/**
 * Reading aloud with the browser's own voices (Web Speech API). A voice must exist for the
 * language asked, so a Dutch voice never reads Arabic; without one, callers hide the control.
 */
const matches = (voice: SpeechSynthesisVoice, lang: string) => voice.lang.toLowerCase().split(/[-_]/)[0] === lang.toLowerCase();

export function speechAvailable(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance !== 'undefined';
}

export function voiceFor(lang: string): SpeechSynthesisVoice | undefined {
  if (!speechAvailable()) return undefined;
  return window.speechSynthesis.getVoices().find((v) => matches(v, lang));
}

/** Resolves once the browser has listed its voices (some list them late, some never). */
export function whenVoicesReady(): Promise<void> {
  if (!speechAvailable()) return Promise.resolve();
  if (window.speechSynthesis.getVoices().length > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => resolve();
    window.speechSynthesis.addEventListener('voiceschanged', done, { once: true });
    setTimeout(done, 1500);
  });
}

export function speak(text: string, lang: string, handlers: { onEnd?: () => void } = {}): SpeechSynthesisUtterance | null {
  const voice = voiceFor(lang);
  if (!voice) return null;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = voice.lang;
  utterance.voice = voice;
  utterance.rate = 0.95;
  if (handlers.onEnd) {
    utterance.onend = handlers.onEnd;
    utterance.onerror = handlers.onEnd;
  }
  window.speechSynthesis.speak(utterance);
  return utterance;
}

export function stopSpeaking(): void {
  if (speechAvailable()) window.speechSynthesis.cancel();
}
