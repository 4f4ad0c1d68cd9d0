import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The middle layer of the tests: the built server (`astro build`, then scripts/serve.mjs, as an
 * operator runs it) started from the build's pre-migrated template, and spoken to over plain HTTP
 * — the middleware, the actions and the pages, without a browser. For what needs no browser:
 * forms that only post, headers, status codes, the language of every page.
 */

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface Server {
  port: number;
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

export function built(): boolean {
  return existsSync(join(ROOT, 'dist/server/entry.mjs'));
}

/** A port no one listens on now (the kernel's choice), so parallel runs never meet. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const folders: string[] = [];
/**
 * A fresh, empty data folder for servers a test starts on the same data; the test file removes
 * it with `removeDataDirs` (vitest ends its workers with a signal, so a process 'exit' handler
 * never ran: 140 folders of 60 MB each were found left in the system's temp folder).
 */
export function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'portal-http-'));
  folders.push(d);
  return d;
}
export function removeDataDirs(): void {
  for (const d of folders.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Starts scripts/serve.mjs with this environment (PORT and a data folder are added when not given). */
export function start(env: Record<string, string> & { PORT: string }): Server {
  let output = '';
  // A folder of its own when none is given: removed when this server stops.
  const own = env.PORTAL_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'portal-http-'));
  const child = spawn(process.execPath, ['scripts/serve.mjs'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', PORTAL_DATA_DIR: env.PORTAL_DATA_DIR ?? own, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    port: Number(env.PORT),
    process: child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      if (own) rmSync(own, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so Host and forwarded headers are exactly what a proxy (or an attacker) sends. */
export function send(options: {
  host?: string;
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A body goes with its length, as a browser's form does (the portal refuses a body of no stated length).
    const headers = options.body ? { 'content-length': String(Buffer.byteLength(options.body)), ...options.headers } : options.headers;
    const req = http.request(
      { host: options.host ?? '127.0.0.1', port: options.port, path: options.path, method: options.method ?? 'GET', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

/** Waits until the server answers /healthz (or throws with its output when it stopped or never did). */
export async function ready(server: Server, host = '127.0.0.1'): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (server.process.exitCode !== null) throw new Error(`the server stopped: ${server.output()}`);
    try {
      if ((await send({ host, port: server.port, path: '/healthz' })).status === 200) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not start: ${server.output()}`);
}

/** A browser's cookie jar, as far as the portal's cookies need one. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly port: number,
    readonly host = `localhost:${port}`,
  ) {}

  private remember(answer: Answer): void {
    for (const line of answer.headers['set-cookie'] ?? []) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra?: Record<string, string>): Record<string, string> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { host: this.host, ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(path: string, headers?: Record<string, string>): Promise<Answer> {
    const answer = await send({ port: this.port, path, headers: this.headers(headers) });
    this.remember(answer);
    return answer;
  }

  /** A form post from the portal's own page, as a browser sends it. */
  async post(path: string, form: Record<string, string> | [string, string][], headers?: Record<string, string>): Promise<Answer> {
    const answer = await send({
      port: this.port,
      path,
      method: 'POST',
      headers: this.headers({ origin: `http://${this.host}`, 'content-type': 'application/x-www-form-urlencoded', ...headers }),
      body: new URLSearchParams(form).toString(),
    });
    this.remember(answer);
    return answer;
  }
}

/** The newest sign-in code the dev mailbox holds for an address. */
export async function codeFromMailbox(client: Client, email: string): Promise<string> {
  const mailbox = await client.get('/dev/mailbox');
  if (mailbox.status !== 200) throw new Error(`the dev mailbox answered ${mailbox.status}`);
  const escaped = email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const mail = new RegExp(`data-to="${escaped}"[^>]*data-kind="sign_in"[\\s\\S]*?class="mail__body"[^>]*>([\\s\\S]*?)</p>`).exec(
    mailbox.body,
  );
  const code = mail && /\b(\d{6})\b/.exec(mail[1]!)?.[1];
  if (!code) throw new Error(`no code in the mailbox for ${email}`);
  return code;
}

/** Signs in through the real forms: the address, then the code from the dev mailbox. */
export async function signIn(client: Client, email: string, lang = 'nl'): Promise<void> {
  const sent = await client.post(`/${lang}/sign-in?_action=auth.sendCode`, { email, next: `/${lang}/app` });
  if (sent.status !== 303 || sent.headers.location !== `/${lang}/sign-in/code`) {
    throw new Error(`sending a code to ${email}: ${sent.status} ${sent.headers.location}`);
  }
  const code = await codeFromMailbox(client, email);
  const verified = await client.post(`/${lang}/sign-in/code?_action=auth.verifyCode`, { code });
  if (verified.status !== 303 || verified.headers.location !== `/${lang}/app`) {
    throw new Error(`the code for ${email}: ${verified.status} ${verified.headers.location}`);
  }
}
