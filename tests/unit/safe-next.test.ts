import { describe, expect, it } from 'vitest';
import { safeNext } from '~/server/paths.ts';

/** Where a sign-in link may send someone afterwards: only to this portal's pages (hole 6). */
const FALLBACK = '/nl/app';

// Every C0 and C1 control, and every Unicode space and invisible formatter.
const CONTROLS = [...Array(0x20).keys(), 0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)].map((c) => String.fromCodePoint(c));
const SPACES = [
  0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000,
].map((c) => String.fromCodePoint(c));
const INVISIBLE = [0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2060, 0xfeff, 0x202e, 0x2066].map((c) => String.fromCodePoint(c));

describe('safeNext', () => {
  it('keeps the portal’s own pages, with their query and anchor', () => {
    expect(safeNext('/ar/app', FALLBACK)).toBe('/ar/app');
    expect(safeNext('/nl/s/demo/admin/leaflets?edit=ar#block-2', FALLBACK)).toBe('/nl/s/demo/admin/leaflets?edit=ar#block-2');
    expect(safeNext('/nl/join/complete', FALLBACK)).toBe('/nl/join/complete');
    expect(safeNext('/tr', FALLBACK)).toBe('/tr');
  });

  it('refuses other sites, however they are written', () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      '\\/evil.example',
      '/%2F/evil.example',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      '/%09/evil.example',
      '/\t/evil.example',
      'javascript:alert(1)',
      '/nl/../..//evil.example',
      'nl/app',
      '',
      '/x'.repeat(200),
    ]) {
      expect(safeNext(next, FALLBACK), JSON.stringify(next)).toBe(FALLBACK);
    }
  });

  it('refuses pages that are not the portal’s (a file, the mailbox)', () => {
    expect(safeNext('/dev/mailbox', FALLBACK)).toBe(FALLBACK);
    expect(safeNext('/storage/v1/object/public/x', FALLBACK)).toBe(FALLBACK);
    expect(safeNext('/de/app', FALLBACK)).toBe(FALLBACK);
  });

  it('refuses every control, space and invisible character, raw or encoded, at every place', () => {
    const places = (c: string) => [
      `/${c}/evil.example`,
      `/${c}evil.example`,
      `${c}/nl/app`,
      `/nl/${c}app`,
      `/nl/app${c}`,
      `/${c}${c}evil.example`,
    ];
    for (const c of [...CONTROLS, ...SPACES, ...INVISIBLE]) {
      for (const next of places(c)) {
        expect(safeNext(next, FALLBACK), JSON.stringify(next)).toBe(FALLBACK);
        expect(safeNext(next.replace(c, encodeURIComponent(c)), FALLBACK), JSON.stringify(encodeURIComponent(next))).toBe(FALLBACK);
      }
    }
  });

  it('never throws, whatever it gets', () => {
    for (const next of ['/%', '/%E0%A4%A', '/%ZZ', null, undefined, 42, {}, ['/nl/app']]) {
      expect(() => safeNext(next, FALLBACK)).not.toThrow();
      expect(safeNext(next, FALLBACK)).toBe(FALLBACK);
    }
  });
});
