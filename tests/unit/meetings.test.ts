import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { buildIcs, fold } from '~/domain/ics.ts';
import { buildSlots, cleanAnswers, preparationProgress, zonedInstant } from '~/domain/meetings.ts';

describe('the calendar file of a meeting', () => {
  const start = new Date('2026-12-07T13:30:00Z'); // 14:30 in Amsterdam (winter, UTC+1)
  const ics = buildIcs({
    uid: 'm-1@samen-voor-elk-kind',
    start,
    minutes: 20,
    summary: 'Görüşme: Elif, Kerem; "test"',
    description: 'Hoe gaat het?\nhttps://portaal.example/tr/app/meetings/m-1',
    location: 'Lokaal 5, boven',
    url: 'https://portaal.example/tr/app/meetings/m-1',
    now: new Date('2026-11-30T10:00:00Z'),
  });

  it('parses, with the right time in the school’s zone and the words as written', () => {
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const zone = new ICAL.Timezone(calendar.getFirstSubcomponent('vtimezone')!);
    ICAL.TimezoneService.register(zone);
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    expect(event.summary).toBe('Görüşme: Elif, Kerem; "test"');
    expect(event.location).toBe('Lokaal 5, boven');
    expect(event.description).toContain('\nhttps://portaal.example/');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-07T13:30:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-07T13:50:00.000Z');
    expect(ics).toContain('DTSTART;TZID=Europe/Amsterdam:20261207T143000');
  });

  it('keeps summer time right (UTC+2) and every line within 75 octets, ending in CRLF', () => {
    const summer = buildIcs({
      uid: 'x',
      start: new Date('2027-06-01T08:00:00Z'),
      minutes: 10,
      summary: 'ا'.repeat(80),
      description: '',
      now: start,
    });
    expect(summer).toContain('DTSTART;TZID=Europe/Amsterdam:20270601T100000');
    for (const line of summer.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(summer.endsWith('\r\n')).toBe(true);
    // A folded Arabic line unfolds to what went in, never split inside a letter.
    const unfolded = summer.replace(/\r\n /g, '');
    expect(unfolded).toContain(`SUMMARY:${'ا'.repeat(80)}`);
    expect(fold('short')).toBe('short');
  });
});

describe('meeting rounds', () => {
  it('builds the slots of a day per teacher, with breaks, in the school’s time zone', () => {
    const slots = buildSlots({
      days: ['2027-02-10'],
      from: '15:00',
      to: '16:00',
      minutes: 10,
      breakEvery: 3,
      breakMinutes: 10,
      teachers: ['a', 'b'],
    });
    // 15:00, 15:10, 15:20, break, 15:40, 15:50 — for each teacher.
    expect(slots.filter((s) => s.teacher === 'a').map((s) => s.starts_at)).toEqual([
      '2027-02-10T14:00:00.000Z',
      '2027-02-10T14:10:00.000Z',
      '2027-02-10T14:20:00.000Z',
      '2027-02-10T14:40:00.000Z',
      '2027-02-10T14:50:00.000Z',
    ]);
    expect(slots).toHaveLength(10);
  });

  it('knows daylight saving time', () => {
    expect(zonedInstant('2027-03-27', 9 * 60)).toBe('2027-03-27T08:00:00.000Z'); // the day before: UTC+1
    expect(zonedInstant('2027-03-29', 9 * 60)).toBe('2027-03-29T07:00:00.000Z'); // after: UTC+2
  });

  it('makes no slot that would end after the end time', () => {
    expect(
      buildSlots({ days: ['2027-02-10'], from: '15:00', to: '15:05', minutes: 10, breakEvery: 0, breakMinutes: 0, teachers: ['a'] }),
    ).toEqual([]);
  });
});

describe('a preparation as stored', () => {
  it('keeps only the choices each screen offers, each once, and text within the limit', () => {
    const clean = cleanAnswers({
      strengths: { choices: ['kind', 'kind', 'homework', 42], text: 'x'.repeat(1200), lang: 'tr' },
      ask: { choices: [], text: '' },
      nonsense: { choices: ['kind'] },
      other: { text: 'Merhaba', lang: 'TR-x' },
    });
    expect(clean.strengths).toEqual({ choices: ['kind'], text: 'x'.repeat(1000), lang: 'tr' });
    expect(clean).not.toHaveProperty('ask');
    expect(clean).not.toHaveProperty('nonsense');
    expect(clean.other).toEqual({ choices: [], text: 'Merhaba', lang: '' });
    expect(preparationProgress(clean)).toEqual({ done: 2, total: 6 });
  });
});
