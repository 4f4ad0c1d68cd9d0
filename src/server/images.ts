import { randomUUID } from 'node:crypto';

/**
 * Uploaded pictures: judged by their bytes, not their name or the browser's word; SVG and
 * everything else refused; re-encoded, so EXIF and GPS data never reach storage; stored under
 * a generated name. sharp (a native library) and file-type load with the first upload, not with
 * the server: the limits below are read by every request (body-limits.ts), issue 24.
 */
export const IMAGE_LIMITS = {
  // A phone photo is often 3–12 MB; it is re-encoded to a fraction of that before storage.
  maxBytes: 15 * 1024 * 1024,
  accepted: ['image/png', 'image/jpeg', 'image/webp'] as const,
};

/** The upload limit in whole megabytes, for the messages that name it. */
export const IMAGE_MAX_MB = IMAGE_LIMITS.maxBytes / (1024 * 1024);

export type ImageProblem = 'too_large' | 'wrong_type' | 'unreadable' | 'empty';

export interface CleanImage {
  bytes: Uint8Array;
  contentType: 'image/webp' | 'image/png';
  width: number;
  height: number;
  name: string;
}

export async function cleanImage(
  input: Uint8Array,
  options: { maxWidth: number; format: 'webp' | 'png' },
): Promise<CleanImage | { problem: ImageProblem }> {
  if (input.byteLength === 0) return { problem: 'empty' };
  if (input.byteLength > IMAGE_LIMITS.maxBytes) return { problem: 'too_large' };
  const [{ fileTypeFromBuffer }, { default: sharp }] = await Promise.all([import('file-type'), import('sharp')]);
  const detected = await fileTypeFromBuffer(input);
  if (!detected || !(IMAGE_LIMITS.accepted as readonly string[]).includes(detected.mime)) return { problem: 'wrong_type' };
  try {
    // rotate() applies the EXIF orientation before the metadata is dropped (sharp keeps none by default).
    const pipeline = sharp(input, { limitInputPixels: 40_000_000 }).rotate().resize({ width: options.maxWidth, withoutEnlargement: true });
    const { data, info } =
      options.format === 'webp'
        ? await pipeline.webp({ quality: 82 }).toBuffer({ resolveWithObject: true })
        : await pipeline.png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true });
    return {
      bytes: new Uint8Array(data),
      contentType: options.format === 'webp' ? 'image/webp' : 'image/png',
      width: info.width,
      height: info.height,
      name: `${randomUUID()}.${options.format}`,
    };
  } catch {
    return { problem: 'unreadable' };
  }
}

/** A pupil's drawing from the drawing screen: a picture like any upload, kept as a PNG. */
export function cleanDrawing(input: Uint8Array): Promise<CleanImage | { problem: ImageProblem }> {
  return cleanImage(input, { maxWidth: 1200, format: 'png' });
}
