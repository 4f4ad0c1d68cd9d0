import { LIMITS } from './limits.ts';
import { normalizeLine } from './text.ts';

/**
 * A pasted list of first names: one per line, or separated by commas or semicolons.
 * Reports names that appear twice and names that are too long, so the form can say which.
 */
export interface PastedNames {
  names: string[];
  duplicates: string[];
  tooLong: string[];
}

export function parsePupilNames(text: string): PastedNames {
  const names = text
    .split(/[\n\r,;\t]+/)
    .map(normalizeLine)
    .filter(Boolean);
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  for (const name of names) {
    const key = name.toLocaleLowerCase();
    if (seen.has(key) && !duplicates.some((d) => d.toLocaleLowerCase() === key)) duplicates.push(name);
    seen.set(key, name);
  }
  return {
    names,
    duplicates,
    tooLong: names.filter((n) => [...n].length > LIMITS.pupilName.max),
  };
}
