import { createServer, type AddressInfo, type Server } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '~/server/config.ts';
import { createEmbeddedAuth } from '~/server/embedded/auth.ts';
import { rpcAs, SERVICE } from '~/server/embedded/rpc.ts';
import { openPglite, type SqlEngine } from '~/server/embedded/sql.ts';
import { createDispatcher, MAX_ATTEMPTS, RETRY_AFTER_MINUTES } from '~/server/mail/dispatcher.ts';
import { mailTrouble, purgeSentMail, retryFailedMail, sendMail } from '~/server/mail/index.ts';
import { queueMail } from '~/server/mail/outbox.ts';
import { startMail, stopMail } from '~/server/mail/runtime.ts';
import { smtpTransport } from '~/server/mail/smtp.ts';
import type { Db, RequestScope } from '~/server/port.ts';
import { buildUser } from '../factories/index.ts';
import { PGLITE_OFF, pgliteSnapshot } from './harness.ts';

/**
 * Real mail (embedded mode's outbox and the SMTP adapter), against a local SMTP server started
 * here on a free port: what it receives is read back. Time for the back-off is the dispatcher's
 * own clock, moved by the test, never waited for.
 */

const FROM = 'Basisschool De Regenboog <portaal@regenboog.example>';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP server. `refuse` answers 550 to every recipient; `login` demands that login. */
async function smtpServer(options: { login?: { user: string; pass: string } } = {}) {
  const received: Received[] = [];
  const state = { refuse: false, logins: 0 };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: options.login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !options.login,
    onAuth(auth, _session, callback) {
      state.logins += 1;
      if (auth.username === options.login?.user && auth.password === options.login?.pass) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid login'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (state.refuse) return callback(Object.assign(new Error(`5.1.1 <${address.address}>: mailbox unavailable`), { responseCode: 550 }));
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const auth = options.login ? `${options.login.user}:${encodeURIComponent(options.login.pass)}@` : '';
  return {
    url: `smtp://${auth}127.0.0.1:${port}`,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A server that takes the connection and closes it at once (a broken or overloaded relay). */
async function hangingUpServer() {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- reading a received message back (headers unfolded, encoded words and the body decoded) ---

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function parseMessage(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoded = raw.slice(split + 4);
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const text =
    cte === 'base64'
      ? Buffer.from(encoded.replace(/\s/g, ''), 'base64').toString('utf8')
      : cte === 'quoted-printable'
        ? Buffer.from(
            encoded.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : encoded;
  return {
    header: (name: string) => decodeWords(headers.get(name.toLowerCase()) ?? ''),
    contentType: headers.get('content-type') ?? '',
    text: text.replace(/\r\n/g, '\n'),
  };
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

// PGlite only (PGLITE_OFF: see harness.ts).
describe.skipIf(PGLITE_OFF)('mail: the outbox and the SMTP adapter', () => {
  let engine: SqlEngine;
  let admin: Db;
  const logged: string[] = [];
  const log = (line: string) => logged.push(line);
  const cleanups: Array<() => unknown> = [];

  const mailRows = () =>
    engine.transaction((sql) =>
      sql.query<{
        id: number;
        to_address: string;
        status: string;
        attempts: number;
        next_attempt_at: Date;
        last_error: string | null;
        locale: string;
        sent_at: Date | null;
      }>('select id, to_address, status, attempts, next_attempt_at, last_error, locale, sent_at from embedded_auth.mailbox order by id'),
    );

  const scope = () =>
    ({
      url: new URL('http://localhost:4321/uk/sign-in'),
      request: new Request('http://localhost:4321/uk/sign-in'),
      client: '203.0.113.7',
      cookies: { get: () => undefined, set: () => undefined, delete: () => undefined, has: () => false },
    }) as unknown as RequestScope;

  const meetingMail = (to: string) => ({
    to,
    subject: 'Uitnodiging: voortgangsgesprek over Sara',
    body: 'Beste ouder,\n\nU bent uitgenodigd.\n',
    link: 'http://localhost:4321/nl/app/meetings/1',
    locale: 'nl',
    kind: 'meeting',
  });

  beforeAll(async () => {
    engine = await openPglite({ from: pgliteSnapshot() });
    admin = { rpc: (name, args) => rpcAs(engine, SERVICE, name, args) };
  });
  afterAll(() => engine?.close());
  beforeEach(async () => {
    logged.length = 0;
    await engine.transaction((sql) => sql.query('delete from embedded_auth.mailbox'));
  });
  afterEach(async () => {
    stopMail();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    vi.restoreAllMocks();
  });

  it('a queued sign-in mail goes out within a second: plain text, To, From, Subject, Content-Language', async () => {
    const smtp = await smtpServer({ login: { user: 'portaal', pass: 'geh:eim/1' } });
    cleanups.push(smtp.close);
    const transport = smtpTransport({ url: smtp.url, from: FROM });
    // As at start-up (startMail): the server is checked once, which also warms the code path.
    await transport.verify();
    const dispatcher = createDispatcher({ engine, transport, log, messageIdDomain: 'regenboog.example' });
    dispatcher.start();
    cleanups.push(
      () => dispatcher.stop(),
      () => transport.close(),
    );

    const user = await buildUser(engine);
    const auth = createEmbeddedAuth({ owner: engine, admin, scope: scope(), log });
    await auth.sendSignInCode({ email: user.email, lang: 'uk', allowNewAccount: false, next: '/uk/app' });
    // Queued and committed when sendSignInCode returns; the dispatcher was kicked, not polled.
    const queued = Date.now();
    await until(() => smtp.received.length === 1);
    expect(Date.now() - queued).toBeLessThan(1000);

    const got = smtp.received[0]!;
    expect(smtp.state.logins).toBe(2);
    expect(got.from).toBe('portaal@regenboog.example');
    expect(got.to).toEqual([user.email]);
    const mail = parseMessage(got.raw);
    expect(mail.header('To')).toBe(user.email);
    expect(mail.header('From')).toBe(FROM);
    expect(mail.header('Subject')).toMatch(/[\u0400-\u04FF]/);
    expect(mail.header('Content-Language')).toBe('uk');
    expect(mail.header('Message-ID')).toMatch(/^<outbox-\d+-\d+@regenboog\.example>$/);
    expect(mail.contentType).toMatch(/^text\/plain; charset=utf-8/i);
    // The code and the link are in the text, in Ukrainian.
    expect(mail.text).toMatch(/[\u0400-\u04FF]/);
    expect(mail.text).toMatch(/\b\d{6}\b/);
    expect(mail.text).toMatch(/http:\/\/localhost:\d+\/auth\/confirm\?token=[\w-]{40,}/);

    await until(async () => (await mailRows())[0]?.status === 'sent');
    const [row] = await mailRows();
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, locale: 'uk' });
  });

  it('sends the HTML part too when a mail has one, beside the plain text', async () => {
    const smtp = await smtpServer();
    cleanups.push(smtp.close);
    const transport = smtpTransport({ url: smtp.url, from: FROM });
    cleanups.push(() => transport.close());
    await queueMail(engine, { ...meetingMail('ouder@test.example'), html: '<p>Beste ouder,</p><p>U bent <b>uitgenodigd</b>.</p>' });
    expect(await createDispatcher({ engine, transport, log }).runOnce()).toBe(1);
    const raw = smtp.received[0]!.raw;
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
    expect(raw).toContain('Content-Language: nl');
  });

  it('a refusing server (550): the mail waits with back-off, then fails after the last try, and the admin sees it', async () => {
    const smtp = await smtpServer();
    cleanups.push(smtp.close);
    smtp.state.refuse = true;
    const transport = smtpTransport({ url: smtp.url, from: FROM });
    const dispatcher = createDispatcher({ engine, transport, log, now: () => clock });
    cleanups.push(() => transport.close());
    startMail({ config: loadConfig({}), owner: engine, log });

    await queueMail(engine, meetingMail('ouder@test.example'));
    let clock = new Date();
    expect(await dispatcher.runOnce()).toBe(1);
    let [row] = await mailRows();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'refused' });
    expect(new Date(row!.next_attempt_at).getTime() - clock.getTime()).toBe(RETRY_AFTER_MINUTES[0] * 60_000);
    // Not due yet: nothing is tried.
    expect(await dispatcher.runOnce()).toBe(0);

    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      clock = new Date(clock.getTime() + RETRY_AFTER_MINUTES[attempt - 2]! * 60_000);
      expect(await dispatcher.runOnce()).toBe(1);
      [row] = await mailRows();
      expect(row).toMatchObject({ attempts: attempt, last_error: 'refused', status: attempt < MAX_ATTEMPTS ? 'pending' : 'failed' });
    }
    expect(smtp.received).toHaveLength(0);
    clock = new Date(clock.getTime() + 24 * 3600_000);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(await mailTrouble()).toMatchObject({ failed: 1, waiting: 0, oldestWaitingMinutes: null, transport: 'none' });
    expect(logged.join('\n')).toMatch(/1 mail\(s\) not sent \(1 refused\); 1 given up/);
  });

  it('a server that hangs up: the whole batch waits (one connection, not one per mail) and is delivered exactly once when it is back', async () => {
    const down = await hangingUpServer();
    cleanups.push(down.close);
    const broken = smtpTransport({ url: down.url, from: FROM });
    cleanups.push(() => broken.close());
    for (const n of [1, 2, 3]) await queueMail(engine, meetingMail(`ouder${n}@test.example`));
    let clock = new Date();
    expect(await createDispatcher({ engine, transport: broken, log, now: () => clock }).runOnce()).toBe(3);
    expect(down.connections()).toBe(1);
    for (const row of await mailRows()) expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connection' });

    // The server is back (the settings point to a working one now).
    const smtp = await smtpServer();
    cleanups.push(smtp.close);
    const transport = smtpTransport({ url: smtp.url, from: FROM });
    cleanups.push(() => transport.close());
    const dispatcher = createDispatcher({ engine, transport, log, now: () => clock });
    expect(await dispatcher.runOnce()).toBe(0);
    clock = new Date(clock.getTime() + 61_000);
    expect(await dispatcher.runOnce()).toBe(3);
    clock = new Date(clock.getTime() + 24 * 3600_000);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(smtp.received.map((r) => r.to[0]).sort()).toEqual(['ouder1@test.example', 'ouder2@test.example', 'ouder3@test.example']);
    for (const row of await mailRows()) expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('a sign-in mail that could not go out while its code was valid fails instead of going out late; failed mails can be retried', async () => {
    const smtp = await smtpServer();
    cleanups.push(smtp.close);
    const transport = smtpTransport({ url: smtp.url, from: FROM });
    cleanups.push(() => transport.close());
    startMail({ config: loadConfig({}), owner: engine, log });
    const user = await buildUser(engine);
    await createEmbeddedAuth({ owner: engine, admin, scope: scope(), log }).sendSignInCode({
      email: user.email,
      lang: 'nl',
      allowNewAccount: false,
      next: '/nl/app',
    });
    await queueMail(engine, meetingMail('ouder@test.example'));
    smtp.state.refuse = true;
    const later = new Date(Date.now() + 11 * 60_000);
    const dispatcher = createDispatcher({ engine, transport, log, now: () => later });
    expect(await dispatcher.runOnce()).toBe(1);
    const [signIn, meeting] = await mailRows();
    expect(signIn).toMatchObject({ status: 'failed', attempts: 0, last_error: 'expired' });
    expect(meeting).toMatchObject({ status: 'pending', attempts: 1, last_error: 'refused' });
    expect(await mailTrouble(later)).toMatchObject({ failed: 1, waiting: 1, oldestWaitingMinutes: 11 });

    // The expired sign-in mail stays failed; a failed meeting mail gets a new round.
    await engine.transaction(async (sql) => {
      await sql.query(`update embedded_auth.mailbox set expires_at = now() - interval '1 minute' where id = $1`, [signIn!.id]);
      await sql.query(`update embedded_auth.mailbox set status = 'failed' where id = $1`, [meeting!.id]);
    });
    expect(await retryFailedMail()).toBe(1);
    expect((await mailRows()).map((r) => r.status)).toEqual(['failed', 'pending']);
  });

  it('without SMTP: the dev mailbox delivers when switched on; with neither, mail waits and the start-up log says so once', async () => {
    startMail({ config: loadConfig({ PORTAL_DEV_MAILBOX: '1' }), owner: engine, log });
    expect(await sendMail({ ...meetingMail('ouder@test.example'), locale: 'nl' })).toBe('queued');
    await until(async () => (await mailRows())[0]?.status === 'sent');
    const mailbox = await engine.transaction((sql) => sql.query<{ to_address: string }>('select * from embedded_auth.recent_mail(10)'));
    expect(mailbox.map((m) => m.to_address)).toEqual(['ouder@test.example']);
    expect((await mailTrouble()).transport).toBe('dev_mailbox');
    stopMail();

    logged.length = 0;
    startMail({ config: loadConfig({}), owner: engine, log });
    expect(await sendMail({ ...meetingMail('ouder2@test.example'), locale: 'nl' })).toBe('queued');
    expect(logged.filter((l) => /NO MAIL TRANSPORT CONFIGURED/.test(l))).toHaveLength(1);
    expect(await mailTrouble()).toMatchObject({ waiting: 1, transport: 'none', oldestWaitingMinutes: 0 });
  });

  it('purges sent mails older than the retention, and keeps the rest', async () => {
    startMail({ config: loadConfig({}), owner: engine, log });
    for (const n of [1, 2, 3]) await queueMail(engine, meetingMail(`ouder${n}@test.example`));
    const [old, recent] = await mailRows();
    await engine.transaction(async (sql) => {
      await sql.query(`update embedded_auth.mailbox set status = 'sent', sent_at = now() - interval '8 days' where id = $1`, [old!.id]);
      await sql.query(`update embedded_auth.mailbox set status = 'sent', sent_at = now() - interval '1 day' where id = $1`, [recent!.id]);
    });
    expect(await purgeSentMail(new Date(Date.now() - 7 * 24 * 3600_000))).toBe(1);
    expect((await mailRows()).map((r) => r.status)).toEqual(['sent', 'pending']);
  });

  it('Supabase mode: the portal’s own mails go out directly; a refusal comes back as failed and is counted', async () => {
    const smtp = await smtpServer();
    cleanups.push(smtp.close);
    const supabase = {
      SUPABASE_URL: 'https://x.supabase.co',
      SUPABASE_ANON_KEY: 'a',
      SUPABASE_SERVICE_ROLE_KEY: 's',
      PORTAL_PUBLIC_URL: 'https://portaal.school.nl',
    };
    startMail({ config: loadConfig({ ...supabase, SMTP_URL: smtp.url, MAIL_FROM: FROM }), log });
    expect(await sendMail({ ...meetingMail('ouder@test.example'), locale: 'ar' })).toBe('sent');
    expect(parseMessage(smtp.received.at(-1)!.raw).header('Content-Language')).toBe('ar');
    smtp.state.refuse = true;
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await sendMail({ ...meetingMail('ouder@test.example'), locale: 'ar' })).toBe('failed');
    expect(await mailTrouble()).toMatchObject({ failed: 1, waiting: 0, transport: 'smtp' });
    stopMail();
    startMail({ config: loadConfig(supabase), log });
    expect(await sendMail({ ...meetingMail('ouder@test.example'), locale: 'ar' })).toBe('no_transport');
  });

  it('logs nothing personal: no address, name, subject, code or SMTP password, on success or failure', async () => {
    const console_: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void console_.push(args.map(String).join(' ')));
    }
    const smtp = await smtpServer({ login: { user: 'portaal', pass: 'zeer-geheim' } });
    cleanups.push(smtp.close);
    const user = await buildUser(engine, { name: 'Samira El Amrani' });
    const down = await hangingUpServer();
    cleanups.push(down.close);

    // Failing first (every reason a server gives), then working, with the start-up check both times.
    startMail({ config: loadConfig({ SMTP_URL: down.url, MAIL_FROM: FROM }), owner: engine, log });
    const auth = createEmbeddedAuth({ owner: engine, admin, scope: scope(), log });
    await auth.sendSignInCode({ email: user.email, lang: 'ar', allowNewAccount: false, next: '/ar/app' });
    await until(() => logged.some((l) => /not sent/.test(l)));
    stopMail();
    smtp.state.refuse = true;
    let clock = new Date(Date.now() + 2 * 60_000);
    const transport = smtpTransport({ url: smtp.url, from: FROM });
    cleanups.push(() => transport.close());
    await createDispatcher({ engine, transport, log, now: () => clock }).runOnce();
    smtp.state.refuse = false;
    startMail({ config: loadConfig({ SMTP_URL: smtp.url, MAIL_FROM: FROM }), owner: engine, log });
    clock = new Date(Date.now() + 8 * 60_000);
    await createDispatcher({ engine, transport, log, now: () => clock }).runOnce();
    await until(() => smtp.received.length === 1 && logged.some((l) => /SMTP server answered/.test(l)));

    const code = /\b(\d{6})\b/.exec(parseMessage(smtp.received[0]!.raw).text)![1]!;
    const everything = [...logged, ...console_].join('\n');
    expect(everything).toMatch(/not sent \(1 connection\)/);
    expect(everything).toMatch(/not sent \(1 refused\)/);
    for (const secret of [
      user.email,
      user.email.split('@')[0]!,
      'Samira',
      code,
      'zeer-geheim',
      'regenboog.example',
      'mailbox unavailable',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
