import { LOOPBACK_ADDRESSES, type SiteConfig } from './config.ts';

/**
 * How this server is reached, from the settings read at start (config.ts): the public origin
 * every absolute link is built from, which Host names requests may name, which client address a
 * request comes from (the socket's, or a trusted proxy's X-Forwarded-For), and whether a request
 * comes from this machine itself.
 */
let current: SiteConfig = {
  publicUrl: new URL('http://localhost:4321/'),
  allowedHosts: new Set(['localhost', '127.0.0.1', '[::1]', '::1']),
  trustedProxies: new Set(),
  devMailbox: false,
  clientLimitFactor: 1,
};

export function setSite(site: SiteConfig): void {
  current = site;
}

export function site(): SiteConfig {
  return current;
}

/** An absolute address on the public origin, never on the Host a request named. */
export function publicUrl(path: string): string {
  return new URL(path, current.publicUrl).toString();
}

export function hostAllowed(hostname: string): boolean {
  return current.allowedHosts.has(hostname.toLowerCase());
}

/** The client's address: the socket's, unless the socket is a trusted proxy that says whom it forwards. */
export function clientAddressOf(socketAddress: string, forwardedFor: string | null): string {
  if (!current.trustedProxies.has(socketAddress) || !forwardedFor) return socketAddress;
  // The rightmost address a trusted proxy did not add itself is the client.
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!current.trustedProxies.has(hops[i]!)) return hops[i]!.slice(0, 64);
  }
  return socketAddress;
}

/** A request from this very machine, by its socket (never a header) and for a loopback name. */
export function isFromThisMachine(socketAddress: string, hostname: string): boolean {
  return LOOPBACK_ADDRESSES.includes(socketAddress) && ['localhost', '127.0.0.1', '[::1]', '::1'].includes(hostname.toLowerCase());
}

/** Session cookies are Secure unless the portal runs on this machine over plain http. */
export function cookiesSecure(url: URL): boolean {
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return current.publicUrl.protocol === 'https:' || !local;
}
