import './voice-recorder.css';
import { useEffect, useRef, useState } from 'react';

/**
 * Records one label or instruction in a teacher's or parent's own voice. The server renders a
 * plain form with a file field (a phone without this script records with its own recorder app
 * there); with the script, Record / Stop / Listen / Save happen in the page, and Save sends the
 * recording through the same field. At most 20 seconds, so a recording stays well under 1 MB.
 */
interface Props {
  action: string;
  fields: Record<string, string>;
  /** The words to read aloud, in their language. */
  text: string;
  lang: string;
  labels: {
    record: string;
    stop: string;
    listen: string;
    save: string;
    again: string;
    file: string;
    upload: string;
    noMicrophone: string;
    recording: string;
  };
}

const MAX_MS = 20_000;

export default function VoiceRecorder({ action, fields, text, lang, labels }: Props) {
  const [can, setCan] = useState(false);
  const [state, setState] = useState<'idle' | 'recording' | 'recorded' | 'error'>('idle');
  const [url, setUrl] = useState<string | null>(null);
  const blob = useRef<Blob | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    setCan(typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia);
  }, []);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);

  const start = async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks: Blob[] = [];
      const r = new MediaRecorder(stream, { audioBitsPerSecond: 64_000 });
      recorder.current = r;
      r.ondataavailable = (e) => chunks.push(e.data);
      r.onstop = () => {
        for (const track of stream.getTracks()) track.stop();
        blob.current = new Blob(chunks, { type: r.mimeType || 'audio/webm' });
        setUrl(URL.createObjectURL(blob.current));
        setState('recorded');
      };
      r.start();
      setState('recording');
      setTimeout(() => r.state === 'recording' && r.stop(), MAX_MS);
    } catch {
      setState('error');
    }
  };

  const save = () => {
    if (!blob.current || !file.current || !form.current) return;
    const type = blob.current.type.split(';')[0] || 'audio/webm';
    const ext = type.includes('mp4') ? 'm4a' : type.includes('ogg') ? 'ogg' : 'webm';
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob.current], `voice.${ext}`, { type }));
    file.current.files = transfer.files;
    form.current.submit();
  };

  return (
    <form ref={form} method="post" action={action} encType="multipart/form-data" className="voice-recorder">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <p className="voice-recorder__text" lang={lang} dir="auto">
        {text}
      </p>
      {can ? (
        <div className="voice-recorder__controls">
          <input ref={file} type="file" name="audio" hidden tabIndex={-1} />
          {state !== 'recording' ? (
            <button type="button" className="button button--secondary button--small" onClick={start}>
              {state === 'recorded' ? labels.again : labels.record}
            </button>
          ) : (
            <button type="button" className="button button--small" onClick={() => recorder.current?.stop()}>
              {labels.stop}
            </button>
          )}
          {state === 'recording' && (
            <span className="voice-recorder__live" role="status">
              {labels.recording}
            </span>
          )}
          {state === 'recorded' && url && (
            <>
              {/* biome-ignore lint/a11y/useMediaCaption: a recording of the words shown right above it. */}
              <audio src={url} controls aria-label={labels.listen} />
              <button type="button" className="button button--small" onClick={save}>
                {labels.save}
              </button>
            </>
          )}
          {state === 'error' && <span role="alert">{labels.noMicrophone}</span>}
        </div>
      ) : (
        <div className="voice-recorder__controls">
          <label>
            {labels.file}
            <input type="file" name="audio" accept="audio/*" capture="user" />
          </label>
          <button type="submit" className="button button--secondary button--small">
            {labels.upload}
          </button>
        </div>
      )}
    </form>
  );
}
