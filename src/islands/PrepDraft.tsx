import { useEffect, useRef, useState } from 'react';

/**
 * Saves a preparation screen as the parent types: a second after the last change, to the server;
 * when that fails (no network), on this device, and to the server as soon as the network is back.
 * Coming back to the screen with something kept here that the server does not have yet puts it
 * back in the form. Says what happened, quietly, for a screen reader too. The form itself still
 * works without this (Next saves).
 *
 * Without a network, Next, Back and the screen's other links (`data-prep-nav`) stay on this screen
 * and say so, instead of the browser's error page: what was typed is already kept on the phone.
 * On a screen without questions (the first and the last) there is no form: only that.
 *
 * A family's phone is shared: the kept draft is the signed-in parent's (`owner`, in its key and in
 * the draft; one with another owner is never put back), leaves the phone once the form is sent,
 * and goes with every other draft when the parent signs out (ForgetDrafts).
 */
interface Props {
  /** Where the screen's answers are saved as they are typed; none on a screen without questions. */
  endpoint?: string | undefined;
  /** Where the kept draft lives on this device: per parent, meeting and screen. */
  storageKey: string;
  /** Whose draft it is (src/server/draft-owner.ts). */
  owner: string;
  step: number;
  /** When the server last saved this preparation (ISO), to tell a newer kept draft from an older one. */
  savedAt: string | null;
  labels: { saving: string; saved: string; offline: string; restored: string; offlineNext: string };
}

type Draft = { owner: string; topic: string; choices: string[]; text: string; textLang: string; step: number; at: number };

function read(form: HTMLFormElement, step: number, owner: string): Draft {
  const data = new FormData(form);
  return {
    owner,
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

export default function PrepDraft({ endpoint, storageKey, owner, step, savedAt, labels }: Props) {
  const [status, setStatus] = useState('');
  const [stuck, setStuck] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // No network: stay on this screen (the answers are kept here) and say so.
  useEffect(() => {
    const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
    const form = document.querySelector<HTMLFormElement>('form[data-prepare]');
    const onSubmit = (event: SubmitEvent) => {
      if (!offline()) return;
      event.preventDefault();
      if (form) {
        try {
          localStorage.setItem(storageKey, JSON.stringify(read(form, step, owner)));
        } catch {
          /* storage off: the form still has it */
        }
      }
      setStuck(true);
    };
    const onClick = (event: MouseEvent) => {
      const link = (event.target as Element | null)?.closest?.('a[data-prep-nav]');
      if (!link || !offline()) return;
      event.preventDefault();
      setStuck(true);
    };
    const back = () => setStuck(false);
    form?.addEventListener('submit', onSubmit);
    document.addEventListener('click', onClick);
    window.addEventListener('online', back);
    return () => {
      form?.removeEventListener('submit', onSubmit);
      document.removeEventListener('click', onClick);
      window.removeEventListener('online', back);
    };
  }, [storageKey, owner, step]);

  useEffect(() => {
    const form = document.querySelector<HTMLFormElement>('form[data-prepare]');
    if (!form || !endpoint || !owner) return;
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
      if (kept && kept.owner !== owner) forget();
      else if (kept && (!savedAt || kept.at > Date.parse(savedAt))) {
        fill(form, kept);
        setStatus(labels.restored);
        void send(kept);
      }
    } catch {
      /* nothing usable kept */
    }
    const changed = () => {
      const draft = read(form, step, owner);
      keep(draft);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void send(draft), 1000);
    };
    const online = () => {
      try {
        const kept = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Draft | null;
        if (kept?.owner === owner) void send(kept);
      } catch {
        /* nothing kept */
      }
    };
    // Next or Back sends the form, which saves it: nothing stays on the phone (offline, the
    // other effect keeps it and stays on the screen).
    const sent = () => {
      if (navigator.onLine === false) return;
      if (timer.current) clearTimeout(timer.current);
      forget();
    };
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', sent);
    window.addEventListener('online', online);
    return () => {
      form.removeEventListener('input', changed);
      form.removeEventListener('change', changed);
      form.removeEventListener('submit', sent);
      window.removeEventListener('online', online);
    };
  }, [endpoint, storageKey, owner, step, savedAt, labels]);

  return (
    <>
      <p className="prep-draft muted" role="status" aria-live="polite">
        {status}
      </p>
      {stuck && (
        <p className="notice notice--warn" role="alert" data-offline-note="">
          {labels.offlineNext}
        </p>
      )}
    </>
  );
}
