import { speak, stopSpeaking, voiceFor, whenVoicesReady } from '../islands/speech.ts';

/** Shows every `button[data-speak-text]` that has a voice for its language; a tap reads it. */
export function startSpeakButtons(): void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('button[data-speak-text]')];
  if (buttons.length === 0) return;
  void whenVoicesReady().then(() => {
    for (const button of buttons) if (voiceFor(button.dataset.speakLang ?? '')) button.hidden = false;
  });
  for (const button of buttons) {
    button.addEventListener('click', () => {
      stopSpeaking();
      speak(button.dataset.speakText ?? '', button.dataset.speakLang ?? '');
    });
  }
  addEventListener('pagehide', () => stopSpeaking());
}
