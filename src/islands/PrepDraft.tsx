import { useEffect, useRef, useState } from 'react';

/**
 * Saves a preparation screen as the parent types: a second after the last change, to the server;
 * when that fails (no network), on this device, and to the server as soon as the network is back.
 * Coming back to the screen with something kept here that the server does not have yet puts it
 * back in the form. Says what happened, quietly, for a screen reader too. The form itself still
 * works without this (Next saves).
 */
interface Props {
  endpoint: string;
  /** Where the kept draft lives on this device: per meeting and screen. */
  storageKey: string;
  step: number;
  /** When the server last saved this preparation (ISO), to tell a newer kept draft from an older one. */
  savedAt: string | null;
  labels: { saving: string; saved: string; offline: string; restored: string };
}

type Draft = { topic: string; choices: string[]; text: string; textLang: string; step: number; at: number };

function read(form: HTMLFormElement, step: number): Draft {
  const data = new FormData(form);
  return {
    topic: String(data.get('topic') ?? ''),
    choices: data.getAll('choices').map(String),
    text: String(data.get('text') ?? ''),
    textLang: String(data.get('textLang') ?? ''),
    step,
    at: Date.now(),
  };
}

function fill(form: HTMLFormElement, draft: Draft): void {
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name=choices]')) box.checked = draft.choices.includes(box.value);
  const text = form.querySelector<HTMLTextAreaElement>('textarea[name=text]');
  if (text) text.value = draft.text;
  const lang = form.querySelector<HTMLSelectElement>('select[name=textLang]');
  if (lang && draft.textLang) lang.value = draft.textLang;
}

export default function PrepDraft({ endpoint, storageKey, step, savedAt, labels }: Props) {
  const [status, setStatus] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const form = document.querySelector<HTMLFormElement>('form[data-prepare]');
    if (!form) return;
    const keep = (draft: Draft) => {
      try {
        localStorage.setItem(storageKey, JSON.stringify(draft));
      } catch {
        /* storage off: the form still has it */
      }
    };
    const forget = () => {
      try {
        localStorage.removeItem(storageKey);
      } catch {
        /* nothing kept */
      }
    };
    const send = async (draft: Draft) => {
      setStatus(labels.saving);
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            topic: draft.topic,
            choices: draft.choices,
            text: draft.text,
            textLang: draft.textLang,
            step: draft.step,
          }),
          credentials: 'same-origin',
        });
        if (!res.ok) throw new Error(String(res.status));
        forget();
        setStatus(labels.saved);
      } catch {
        keep(draft);
        setStatus(labels.offline);
      }
    };
    // Something kept here that the server does not have: back into the form, and sent.
    try {
      const kept = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Draft | null;
      if (kept && (!savedAt || kept.at > Date.parse(savedAt))) {
        fill(form, kept);
        setStatus(labels.restored);
        void send(kept);
      }
    } catch {
      /* nothing usable kept */
    }
    const changed = () => {
      const draft = read(form, step);
      keep(draft);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void send(draft), 1000);
    };
    const online = () => {
      try {
        const kept = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Draft | null;
        if (kept) void send(kept);
      } catch {
        /* nothing kept */
      }
    };
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    window.addEventListener('online', online);
    return () => {
      form.removeEventListener('input', changed);
      form.removeEventListener('change', changed);
      window.removeEventListener('online', online);
    };
  }, [endpoint, storageKey, step, savedAt, labels]);

  return (
    <p className="prep-draft muted" role="status" aria-live="polite">
      {status}
    </p>
  );
}
