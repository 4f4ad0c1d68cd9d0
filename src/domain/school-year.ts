/**
 * Dutch school years run from August to July: in November 2026 it is 2026-2027.
 */
export function currentSchoolYear(now: Date = new Date()): string {
  const year = now.getUTCFullYear();
  const start = now.getUTCMonth() >= 7 ? year : year - 1;
  return `${start}-${start + 1}`;
}

export function isValidSchoolYear(value: string): boolean {
  const m = /^(\d{4})-(\d{4})$/.exec(value);
  return !!m && Number(m[2]) === Number(m[1]) + 1;
}
