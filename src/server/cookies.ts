import { parse, serialize, type SerializeOptions } from 'cookie';

/**
 * The `Cookie` header as a list, and one `Set-Cookie` value: the same two helpers as
 * @supabase/ssr's (which call the same `cookie` package), without loading @supabase/ssr and
 * supabase-js with the first request in embedded mode (issue 24: start-up time).
 */
export function parseCookieHeader(header: string): { name: string; value: string }[] {
  const parsed = parse(header);
  return Object.keys(parsed).map((name) => ({ name, value: parsed[name] ?? '' }));
}

export function serializeCookieHeader(name: string, value: string, options: SerializeOptions): string {
  return serialize(name, value, options);
}
