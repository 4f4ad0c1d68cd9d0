import './speak-button.css';
import { useEffect, useState } from 'react';
import { speak, stopSpeaking, voiceFor, whenVoicesReady } from './speech.ts';

/**
 * A large "listen" button that reads a short text aloud in its language. It renders nothing
 * on the server and stays hidden where the browser has no voice for the language.
 */
interface Props {
  text: string;
  lang: string;
  label: string;
}

export default function SpeakButton({ text, lang, label }: Props) {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let alive = true;
    void whenVoicesReady().then(() => alive && setAvailable(!!voiceFor(lang)));
    return () => {
      alive = false;
    };
  }, [lang]);
  if (!available) return null;
  return (
    <button
      type="button"
      className="speak-button"
      onClick={() => {
        stopSpeaking();
        speak(text, lang);
      }}
    >
      <svg viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
        <path d="M4 9h4l5-4v14l-5-4H4Z" fill="currentColor" />
        <path d="M16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
      <span>{label}</span>
    </button>
  );
}
