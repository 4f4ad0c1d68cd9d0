/**
 * What counts as personal data in an address or a log line: any e-mail address, and the demo
 * school's people and pupils by name (supabase/seed.sql), plus names the tests type.
 */
const NAMES = [
  'Marieke de Vries',
  'Anna Jansen',
  'Samira',
  'Katarzyna',
  'Ingrid Bakker',
  'Karim El Amrani',
  'Ayşe',
  'Sara',
  'Daan',
  'Zofia',
  'Noah',
  'Elif',
  'Mila',
  'Taras',
  'Lina',
  'Bram',
  'Jesse',
  'Amira',
  'Yusuf',
  'Emma',
  'Oleksandr',
  'Julia',
  'Mehmet',
  'Fatima',
  'Liam',
  'Nour',
  'Zeynep',
];

export const PERSONAL: readonly RegExp[] = [
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/,
  ...NAMES.map((name) => new RegExp(`(^|[^\\p{L}])${name}($|[^\\p{L}])`, 'u')),
];

/** The personal data found in a text, one line per finding (the line, cut short). */
export function personalDataIn(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => PERSONAL.some((p) => p.test(line)))
    .map((line) => line.slice(0, 200));
}
