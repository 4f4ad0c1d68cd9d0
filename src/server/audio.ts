import { randomUUID } from 'node:crypto';

/**
 * A recorded voice (a label or instruction read aloud by a teacher or a parent): judged by its
 * bytes, never its name or the browser's word; only the formats browsers record and play;
 * stored under a generated name. A browser's recorder writes no location or device data into
 * these formats; the bytes are kept as recorded. file-type loads with the first recording, not
 * with the server (AUDIO_MAX_BYTES is read by every request's body limits), issue 24.
 */
export const AUDIO_MAX_BYTES = 1024 * 1024;

const KINDS: Record<string, { contentType: string; ext: string }> = {
  'audio/webm': { contentType: 'audio/webm', ext: 'webm' },
  // file-type cannot tell a WebM with only sound from one with pictures.
  'video/webm': { contentType: 'audio/webm', ext: 'webm' },
  'audio/ogg': { contentType: 'audio/ogg', ext: 'ogg' },
  'audio/opus': { contentType: 'audio/ogg', ext: 'ogg' },
  'audio/mp4': { contentType: 'audio/mp4', ext: 'm4a' },
  'audio/x-m4a': { contentType: 'audio/mp4', ext: 'm4a' },
  'video/mp4': { contentType: 'audio/mp4', ext: 'm4a' },
  'audio/mpeg': { contentType: 'audio/mpeg', ext: 'mp3' },
  'audio/wav': { contentType: 'audio/wav', ext: 'wav' },
  'audio/vnd.wave': { contentType: 'audio/wav', ext: 'wav' },
  'audio/x-wav': { contentType: 'audio/wav', ext: 'wav' },
};

export type AudioProblem = 'empty' | 'too_large' | 'not_audio';

export async function judgeAudio(
  bytes: Uint8Array,
): Promise<{ bytes: Uint8Array; contentType: string; name: string } | { problem: AudioProblem }> {
  if (bytes.byteLength === 0) return { problem: 'empty' };
  if (bytes.byteLength > AUDIO_MAX_BYTES) return { problem: 'too_large' };
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = await fileTypeFromBuffer(bytes);
  const kind = detected ? KINDS[detected.mime] : undefined;
  if (!kind) return { problem: 'not_audio' };
  return { bytes, contentType: kind.contentType, name: `${randomUUID()}.${kind.ext}` };
}
