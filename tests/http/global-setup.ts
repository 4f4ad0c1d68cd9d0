import { built } from './server.ts';

/** The http tests speak to the built server: `astro build` first (npm test and test:http do). */
export default function setup(): void {
  if (!built()) throw new Error('tests/http needs the built server: run `npx astro build` first (npm run test:http does)');
}
