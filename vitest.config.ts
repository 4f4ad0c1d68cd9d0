/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { getViteConfig } from 'astro/config';

export default getViteConfig({
  test: {
    environment: 'node',
    // Every core (vitest's default leaves one free, which on a 2-core machine runs one file at a
    // time): each db file has its own PGlite, each http file its own server, and the http files
    // mostly wait on theirs. On a PostgreSQL server the db files share one database and run one
    // at a time (--maxWorkers=1 in the test:db:postgres* scripts).
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['tests/db/**/*.test.ts'],
          globalSetup: ['tests/db/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The middle layer: the built server over plain HTTP (tests/http/server.ts).
          name: 'http',
          include: ['tests/http/**/*.test.ts'],
          globalSetup: ['tests/http/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
