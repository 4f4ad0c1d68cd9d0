/**
 * The time pages reason with about dates a person chose (a plan's evaluation date). It is the
 * server's clock, except in the end-to-end tests, where POST /dev/clock (PORTAL_TEST_MODE=1,
 * this machine only) moves it, as it moves the scheduled notifications.
 */
let testNow: Date | undefined;

export function setTestClock(at: Date): void {
  testNow = at;
}

export function pageNow(): Date {
  return testNow ?? new Date();
}

/** Today where the school is (yyyy-mm-dd). */
const SCHOOL_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' });
export function schoolToday(at: Date = pageNow()): string {
  return SCHOOL_DAY.format(at);
}
