import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import react from '@astrojs/react';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { DEFAULT_LOCALE, LOCALE_CODES } from './src/i18n/locales.ts';

/**
 * When the build is done, the migrations run once into a PGlite data folder beside the build
 * (dist/pglite-template): a fresh embedded data folder starts as a copy of it (see
 * src/server/embedded/template.ts), instead of creating a cluster and replaying every migration.
 */
function pgliteTemplate(): AstroIntegration {
  let outDir: URL;
  return {
    name: 'portal:pglite-template',
    hooks: {
      'astro:config:done': ({ config }) => {
        outDir = config.outDir;
      },
      'astro:build:done': ({ logger }) => {
        // In its own process: the config's module runner is closed by now.
        const started = performance.now();
        const script = fileURLToPath(new URL('./scripts/build-template.ts', import.meta.url));
        const run = spawnSync(process.execPath, [script, fileURLToPath(new URL('pglite-template/', outDir))], { stdio: 'inherit' });
        if (run.status !== 0) throw new Error('the pre-migrated PGlite template could not be made (see above)');
        logger.info(`pre-migrated PGlite template in dist/pglite-template (${Math.round(performance.now() - started)} ms)`);
      },
    },
  };
}

export default defineConfig({
  output: 'server',
  // staticHeaders: Astro then sends its Content-Security-Policy (with the hashes of the few
  // scripts it emits) as a response header instead of a <meta> tag, so frame-ancestors holds.
  // bodySizeLimit: the ceiling for any body (the largest upload form's); each form's own, far
  // smaller limit is src/server/body-limits.ts, checked before the body is read.
  adapter: node({ mode: 'standalone', bodySizeLimit: 16 * 1024 * 1024, staticHeaders: true }),
  integrations: [react(), pgliteTemplate()],
  i18n: {
    locales: [...LOCALE_CODES],
    defaultLocale: DEFAULT_LOCALE,
    // Our own middleware negotiates `/` and guards `/[lang]/`; see src/middleware.ts.
    routing: 'manual',
  },
  security: {
    // The portal checks the Origin of every state-changing request itself, against the public
    // address read at run time (src/middleware.ts, sameOrigin): Astro's own check compares with the
    // address it builds from the socket, which is http:// behind a TLS proxy. Host names are also
    // checked at run time (knownHost), so nothing about hosts is baked into the build.
    checkOrigin: false,
    // Form actions take uploads (pictures up to 15 MB, judged and re-encoded before storage); every
    // other form is held to its own limit first (src/server/body-limits.ts, issue 18).
    actionBodySizeLimit: 16 * 1024 * 1024,
    // No 'unsafe-inline' for scripts: Astro hashes every script it puts in a page.
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'self'",
        "img-src 'self' data: blob: https:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ],
    },
  },
  build: {
    // The stylesheet (about 5 KB gzipped) goes into each page: no render-blocking request
    // before a parent on a slow phone sees the first words. Its hash is in the CSP.
    inlineStylesheets: 'always',
  },
  server: {
    host: process.env.HOST ?? 'localhost',
    port: Number(process.env.PORT ?? 4321),
  },
  devToolbar: { enabled: false },
  // zod goes into the server bundle instead of being loaded from node_modules at start: Astro's
  // runtime and the API's schemas import it, and as a package it is about 100 files (every locale
  // of its messages), ~50 ms of every server start (issue 24). One copy either way.
  vite: { ssr: { noExternal: ['zod'] } },
  // No markdown code blocks here; Shiki's inline styles would clash with the CSP.
  markdown: { syntaxHighlight: false },
});
