import { mkdirSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { dataDir, freePort, ready, removeDataDirs, type Server, send, start } from './server.ts';

/**
 * The built server as an operator runs it: behind a TLS proxy, reached from another machine,
 * with one data folder per server, and a data folder that does not open. Each test starts its own
 * server process. (Moved from tests/e2e/operations.spec.ts: none of it needs a browser.)
 */

const otherAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

// A cold start from the template, beside the rest of the suite on a busy machine.
const SLOW = 120_000;

describe('the built server, as an operator runs it', () => {
  const servers: Server[] = [];
  const started = (s: Server) => {
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    removeDataDirs();
  });

  test('behind a TLS proxy: forms work for the public origin, links use it, cookies are Secure, a forged Host is refused (holes 3, 4)', {
    timeout: SLOW,
  }, async () => {
    const port = await freePort();
    const server = started(
      start({
        PORT: String(port),
        HOST: '127.0.0.1',
        PORTAL_PUBLIC_URL: 'https://portaal.test',
        PORTAL_ALLOWED_HOSTS: 'localhost',
        PORTAL_TRUSTED_PROXIES: 'loopback',
        PORTAL_DEV_MAILBOX: '1',
      }),
    );
    await ready(server);
    expect(server.output()).toContain('https://portaal.test');
    const proxy = { host: 'portaal.test', 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.20' };

    const page = await send({ port, path: '/nl/sign-in', headers: proxy });
    expect(page.status).toBe(200);
    // A form post from the portal's public pages, as the browser sends it through the proxy.
    const posted = await send({
      port,
      path: '/nl/sign-in?_action=auth.sendCode',
      method: 'POST',
      headers: { ...proxy, origin: 'https://portaal.test', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=directie%40regenboog.example&next=%2Fnl%2Fapp',
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe('/nl/sign-in/code');
    expect(String(posted.headers['set-cookie'])).toContain('Secure');

    // The mail's link leads to the public origin, whatever Host the request named.
    const forgedLink = await send({
      port,
      path: '/nl/sign-in?_action=auth.sendCode',
      method: 'POST',
      headers: { host: `localhost:${port}`, origin: `http://localhost:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=juf.anna%40regenboog.example&next=%2Fnl%2Fapp',
    });
    expect(forgedLink.status).toBe(303);
    const mailbox = await send({ port, path: '/dev/mailbox', headers: { host: 'localhost' } });
    expect(mailbox.status).toBe(200);
    expect(mailbox.body).toContain('https://portaal.test/auth/confirm?token=');
    expect(mailbox.body).not.toContain('http://localhost');

    // A Host the portal is not served under never reaches a page.
    expect((await send({ port, path: '/nl/', headers: { host: 'evil.example' } })).status).toBe(421);
    // Another site's form is refused, whatever its content type.
    const cross = await send({
      port,
      path: '/nl/sign-in?_action=auth.sendCode',
      method: 'POST',
      headers: { ...proxy, origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: 'email=x',
    });
    expect(cross.status).toBe(403);
  });

  test.skipIf(!otherAddress)(
    'the dev mailbox: off unless switched on, and never for another machine, whatever the headers say (hole 2)',
    { timeout: 2 * SLOW },
    async () => {
      // Two cold starts on fresh data folders.
      const port = await freePort();
      const off = started(start({ PORT: String(port), HOST: '0.0.0.0', PORTAL_ALLOWED_HOSTS: otherAddress! }));
      await ready(off);
      expect((await send({ port, path: '/dev/mailbox', headers: { host: 'localhost' } })).status).toBe(404);
      await off.stop();

      const on = started(
        start({ PORT: String(port), HOST: '0.0.0.0', PORTAL_ALLOWED_HOSTS: `${otherAddress},portaal.test`, PORTAL_DEV_MAILBOX: '1' }),
      );
      await ready(on);
      expect((await send({ port, path: '/dev/mailbox', headers: { host: 'localhost' } })).status).toBe(200);
      // From another machine (a non-loopback socket), even claiming to be the machine itself.
      for (const headers of [
        { host: `${otherAddress}:${port}` } as Record<string, string>,
        { host: `${otherAddress}:${port}`, 'x-forwarded-for': '127.0.0.1' },
        { host: 'localhost', 'x-forwarded-for': '127.0.0.1' },
      ]) {
        const answer = await send({ host: otherAddress!, port, path: '/dev/mailbox', headers });
        expect([404, 421], JSON.stringify(headers)).toContain(answer.status);
        expect(answer.body).not.toContain('mail__body');
      }
      // Through a proxy on this machine, which passes on the public Host: refused too.
      expect((await send({ port, path: '/dev/mailbox', headers: { host: 'portaal.test' } })).status).toBe(404);
    },
  );

  test('two servers on one data folder: the second refuses to start, with a sentence; after a crash the lock is taken over (hole 5)', {
    timeout: 2 * SLOW,
  }, async () => {
    const dir = dataDir();
    const [one, two] = [await freePort(), await freePort()];
    const first = started(start({ PORT: String(one), HOST: '127.0.0.1', PORTAL_DATA_DIR: dir }));
    await ready(first);
    const second = started(start({ PORT: String(two), HOST: '127.0.0.1', PORTAL_DATA_DIR: dir }));
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/another portal server \(process \d+/);
    // The first still serves.
    expect((await send({ port: one, path: '/nl/', headers: { host: 'localhost' } })).status).toBe(200);

    first.process.kill('SIGKILL');
    await first.exited;
    const after = started(start({ PORT: String(two), HOST: '127.0.0.1', PORTAL_DATA_DIR: dir }));
    await ready(after);
    expect((await send({ port: two, path: '/nl/s/demo/leaflets', headers: { host: 'localhost' } })).status).toBe(200);
  });

  test('a data folder that does not open: a sentence with a hint, and the server stops; no 500 on every page (hole 5)', {
    timeout: SLOW,
  }, async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'pglite', 'base'), { recursive: true });
    writeFileSync(join(dir, 'pglite', 'PG_VERSION'), 'not a database\n');
    writeFileSync(join(dir, 'pglite', 'global'), 'garbage');
    const broken = started(start({ PORT: String(await freePort()), HOST: '127.0.0.1', PORTAL_DATA_DIR: dir }));
    expect(await broken.exited).toBe(1);
    expect(broken.output()).toMatch(/could not be opened/);
    expect(broken.output()).toMatch(/backup/);
  });
});
