import type { AstroCookies } from 'astro';
import { z } from 'zod';
import { PICTURE_IDS, splitPictureCode } from '~/domain/pictures.ts';
import { INVITABLE_ROLES, type InvitableRole } from '~/domain/rpc/index.ts';
import { runtimeSecret } from './backend.ts';
import { once, type OnceScope } from './once.ts';

/**
 * The two results a school sees once: login cards (new picture codes) and an invitation letter
 * (a new code). Kept compact, so 40 cards fit one cookie: pupils by id, codes as picture
 * numbers; names are looked up again when the page shows them.
 */

const hex32 = z.string().regex(/^[0-9a-f]{32}$/);
const toHex = (uuid: string) => uuid.replaceAll('-', '');
const fromHex = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

const cards = once('cards', z.array(z.tuple([hex32, z.string().regex(/^[0-8]{3}$/)])).max(40));
const letter = once(
  'letter',
  z.object({
    code: z.string().max(20),
    role: z.enum(INVITABLE_ROLES),
    locale: z.string().max(5),
    expiresAt: z.string().max(40),
    children: z.array(hex32).max(20),
  }),
);

export interface ScopeInput {
  cookies: AstroCookies;
  url: URL;
  userId: string;
}

async function scope(input: ScopeInput): Promise<OnceScope> {
  return { ...input, secret: await runtimeSecret() };
}

export interface LoginCard {
  pupil_id: string;
  picture_code: string;
}

export const loginCards = {
  async keep(input: ScopeInput, path: string, list: readonly LoginCard[]): Promise<void> {
    const compact = list.map(
      (c) =>
        [
          toHex(c.pupil_id),
          splitPictureCode(c.picture_code)
            .map((p) => PICTURE_IDS.indexOf(p))
            .join(''),
        ] as [string, string],
    );
    cards.keep(await scope(input), path, compact);
  },
  async read(input: ScopeInput): Promise<LoginCard[]> {
    const kept = cards.read(await scope(input)) ?? [];
    return kept.map(([id, code]) => ({ pupil_id: fromHex(id), picture_code: [...code].map((i) => PICTURE_IDS[Number(i)]).join('-') }));
  },
  forget: (cookies: AstroCookies, path: string) => cards.forget({ cookies }, path),
};

export interface Letter {
  code: string;
  role: InvitableRole;
  locale: string;
  expiresAt: string;
  children: string[];
}

export const invitationLetter = {
  async keep(input: ScopeInput, path: string, value: Letter): Promise<void> {
    letter.keep(await scope(input), path, { ...value, children: value.children.map(toHex) });
  },
  async read(input: ScopeInput): Promise<Letter | null> {
    const kept = letter.read(await scope(input));
    return kept ? { ...kept, children: kept.children.map(fromHex) } : null;
  },
  forget: (cookies: AstroCookies, path: string) => letter.forget({ cookies }, path),
};
