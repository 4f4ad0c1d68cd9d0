import { NEEDS_LIMITS } from '~/domain/pictograms.ts';
import { AUDIO_MAX_BYTES } from './audio.ts';
import { IMAGE_LIMITS } from './images.ts';

/**
 * How large a request body may be, per form (issue 18, M6). Before, every form took 20 MB, the
 * sign-in form included: 30 parallel posts grew the server by 400 MB. Now an ordinary form gets
 * what its longest text needs (the longest field the database keeps is 4,000 characters, at most
 * 12 bytes each once percent-encoded), and only the four forms that carry a file get room for
 * that file. The size is judged by Content-Length before anything reads the body; a body-bearing
 * request without one (chunked) is refused too, since browsers always send it for a form.
 */
const KB = 1024;

/** Ordinary forms: a few fields of text. */
export const FORM_BODY_LIMIT = 128 * KB;

/** Room for the other fields of an upload form and multipart's boundaries. */
const UPLOAD_MARGIN = 64 * KB;

/** The forms that carry a file, by action name, and the file they carry. */
export const UPLOAD_LIMITS: Readonly<Record<string, number>> = {
  'leaflets.uploadImage': IMAGE_LIMITS.maxBytes + UPLOAD_MARGIN,
  'school.uploadLogo': IMAGE_LIMITS.maxBytes + UPLOAD_MARGIN,
  'pupil.drawing': NEEDS_LIMITS.drawingBytes + UPLOAD_MARGIN,
  'voices.save': AUDIO_MAX_BYTES + UPLOAD_MARGIN,
};

/** The largest body any request may have (the adapter's and Astro's own ceiling). */
export const MAX_BODY_LIMIT = Math.max(FORM_BODY_LIMIT, ...Object.values(UPLOAD_LIMITS));

/** Endpoints that are not form actions: a preparation autosave (JSON), one-click unsubscribe. */
const PATH_LIMITS: readonly [RegExp, number][] = [
  [/^\/api\/preparation\//, 64 * KB],
  [/\/unsubscribe\/[^/]+\/one-click$/, 4 * KB],
];

export function bodyLimitOf(action: string | null, pathname: string): number {
  if (action !== null) return UPLOAD_LIMITS[action] ?? FORM_BODY_LIMIT;
  return PATH_LIMITS.find(([re]) => re.test(pathname))?.[1] ?? FORM_BODY_LIMIT;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a request's body is over its limit, judged by its headers alone: 'large' when its
 * Content-Length is over the limit, 'unknown' when it has a body of no stated length, else null.
 */
export function bodyOverLimit(request: Request, limit: number): 'large' | 'unknown' | null {
  if (!BODY_METHODS.has(request.method)) return null;
  const header = request.headers.get('content-length');
  // No length and no chunks: no body (HTTP/1.1 has no other way to send one).
  if (header === null) return request.headers.has('transfer-encoding') ? 'unknown' : null;
  const length = /^\d{1,15}$/.test(header.trim()) ? Number(header) : Number.NaN;
  if (!Number.isFinite(length)) return 'unknown';
  return length > limit ? 'large' : null;
}

/** Whole megabytes or kilobytes, for the sentence that names the limit. */
export function sizeText(bytes: number): { size: number; unit: 'MB' | 'KB' } {
  return bytes >= 1024 * KB ? { size: Math.floor(bytes / (1024 * KB)), unit: 'MB' } : { size: Math.floor(bytes / KB), unit: 'KB' };
}
