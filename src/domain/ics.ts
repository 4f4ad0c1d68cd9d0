import { SCHOOL_TIME_ZONE } from './meetings.ts';

/**
 * A calendar file (RFC 5545) for one meeting: its time in the school's time zone (with the zone's
 * rules, so a phone in another zone still shows the right hour), its words in the parent's
 * language. Pure: the route sends it, the tests parse it.
 */
export interface CalendarEvent {
  uid: string;
  start: Date;
  minutes: number;
  summary: string;
  description: string;
  location?: string | null;
  url?: string | null;
  /** When the file is made (DTSTAMP). */
  now: Date;
  /** Raised on every change of the meeting (its time, place or status): calendars replace what they hold. */
  sequence?: number;
  /** `CANCEL`: the meeting does not take place; a calendar that holds it (same UID) removes it. */
  method?: 'PUBLISH' | 'CANCEL';
  /** A reminder this many minutes before (VALARM), with its text; none when absent. */
  alarm?: { minutesBefore: number; description: string } | null;
  /** The school, as the event's organiser (CN and address): needed by some calendars to accept a cancellation. */
  organizer?: { name: string; email: string } | null;
}

/** One UID per meeting, the same in every file about it (the page's download and every mail). */
export function meetingUid(meetingId: string): string {
  return `${meetingId}@samen-voor-elk-kind`;
}

/** Europe/Amsterdam: CET in winter, CEST from the last Sunday of March to the last Sunday of October. */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${SCHOOL_TIME_ZONE}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** Text as a property value: backslash, semicolon, comma and new lines escaped. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets folded (a space starts each continuation), never inside a character. */
export function fold(line: string): string {
  const encoder = new TextEncoder();
  const bytes = (s: string) => encoder.encode(s).length;
  if (bytes(line) <= 75) return line;
  const parts: string[] = [];
  let current = '';
  for (const ch of line) {
    const limit = parts.length === 0 ? 75 : 74;
    if (bytes(current + ch) > limit) {
      parts.push(current);
      current = ch;
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** The wall-clock time of an instant in the school's zone, as YYYYMMDDTHHMMSS. */
export function localStamp(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: SCHOOL_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}${get('month')}${get('day')}T${get('hour')}${get('minute')}${get('second')}`;
}

const utcStamp = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** A parameter value (CN=…): quoted, without the characters a quoted value cannot hold. */
const paramValue = (value: string) => `"${value.replace(/["\r\n]/g, '')}"`;

export function buildIcs(event: CalendarEvent): string {
  const end = new Date(event.start.getTime() + event.minutes * 60_000);
  const method = event.method ?? 'PUBLISH';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Samen voor elk kind//Meetings//NL',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    ...VTIMEZONE,
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${Math.max(0, Math.trunc(event.sequence ?? 0))}`,
    `DTSTAMP:${utcStamp(event.now)}`,
    `DTSTART;TZID=${SCHOOL_TIME_ZONE}:${localStamp(event.start)}`,
    `DTEND;TZID=${SCHOOL_TIME_ZONE}:${localStamp(end)}`,
    `STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(event.url ? [`URL:${event.url}`] : []),
    ...(event.organizer ? [`ORGANIZER;CN=${paramValue(event.organizer.name)}:mailto:${event.organizer.email}`] : []),
    ...(event.alarm && method !== 'CANCEL'
      ? [
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          `TRIGGER:-PT${Math.max(0, Math.trunc(event.alarm.minutesBefore))}M`,
          `DESCRIPTION:${escapeText(event.alarm.description)}`,
          'END:VALARM',
        ]
      : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
