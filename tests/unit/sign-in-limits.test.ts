import { describe, expect, it } from 'vitest';
import { loadConfig } from '~/server/config.ts';
import type { Db } from '~/server/port.ts';
import { SIGN_IN_LIMITS, signInLimits } from '~/server/sign-in-limits.ts';
import { setSite } from '~/server/site.ts';

describe('sign-in limits on a shared network', () => {
  it('multiply the limits per network address by PORTAL_CLIENT_LIMIT_FACTOR, never those per e-mail address', async () => {
    const asked: Record<string, number> = {};
    const admin = {
      rpc: async (_name: string, args: { p_limit: number; p_key: string }) => {
        asked[args.p_key] = args.p_limit;
        return null;
      },
    } as unknown as Db;
    setSite(loadConfig({ PORTAL_CLIENT_LIMIT_FACTOR: '10' }).site);
    await signInLimits(admin).hit(['codeSendAddress', 'a@b.example'], ['codeSendClient', '192.0.2.1']);
    expect(Object.values(asked).sort((a, b) => a - b)).toEqual([
      SIGN_IN_LIMITS.codeSendAddress.limit,
      SIGN_IN_LIMITS.codeSendClient.limit * 10,
    ]);
    setSite(loadConfig({}).site);
  });
});
