/**
 * The nine pictures a pupil's picture code is made of. The ids match
 * `private.picture_ids()` in the migrations; the app draws them and names them aloud.
 */
export const PICTURE_IDS = ['apple', 'bike', 'cat', 'sun', 'tree', 'fish', 'star', 'house', 'ball'] as const;
export type PictureId = (typeof PICTURE_IDS)[number];
export const PICTURE_CODE_LENGTH = 3;

export function isPictureId(value: unknown): value is PictureId {
  return typeof value === 'string' && (PICTURE_IDS as readonly string[]).includes(value);
}

/** `['sun','cat','apple']` ⇄ `'sun-cat-apple'`, the form the database hashes. */
export function joinPictureCode(ids: readonly PictureId[]): string {
  return ids.join('-');
}

export function splitPictureCode(code: string): PictureId[] {
  const parts = code.split('-');
  if (parts.length !== PICTURE_CODE_LENGTH || !parts.every(isPictureId)) return [];
  return parts as PictureId[];
}
