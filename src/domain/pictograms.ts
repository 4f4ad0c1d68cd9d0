/**
 * The pupils' pictograms: what each means, in the order a board shows them. Drawn from OpenMoji
 * (src/pictograms/art.ts); named per language in the `needs` namespace. The SQL knows the same
 * lists (private.need_ids(), private.goal_steps(), private.avatar_ids(); tied by a schema test).
 *
 * They say what helps a pupil now, for this task, never a fixed "learning style".
 */

/** "I learn best…": the starting set of DOMAIN §2. */
export const NEED_IDS = [
  'look',
  'listen',
  'talk-picture',
  'more-explanation',
  'less-explanation',
  'headphones',
  'group',
  'quiet-place',
  'more-time',
] as const;
export type NeedId = (typeof NEED_IDS)[number];

/** Where a pupil is on a goal ("tie my shoelaces"): the pupil's own step. */
export const GOAL_STEPS = ['not-yet', 'almost', 'can', 'can-more'] as const;
export type GoalStep = (typeof GOAL_STEPS)[number];

/** Feeling seen, heard, valued and missed (4G), for feedback after a meeting. */
export const FOUR_G = ['seen', 'heard', 'valued', 'missed'] as const;
export type FourG = (typeof FOUR_G)[number];

/** A pupil's own picture beside their name on the class device: animals a young child knows. */
export const AVATAR_IDS = [
  'dog',
  'cat',
  'rabbit',
  'fox',
  'bear',
  'panda',
  'frog',
  'lion',
  'tiger',
  'koala',
  'monkey',
  'owl',
  'turtle',
  'ladybird',
  'butterfly',
  'dolphin',
  'giraffe',
  'elephant',
  'hedgehog',
  'bee',
] as const;
export type AvatarId = (typeof AVATAR_IDS)[number];

/** Pictures for the screens themselves (own words, drawing, tops, tips, help). */
export const SCREEN_IDS = [
  'own-words',
  'drawing',
  'top',
  'tip',
  'ask-teacher',
  'wait',
  'done',
  'bye',
  'speaker',
  'learn',
  'language',
  'school',
  // The buttons a pupil needs, each with its own picture (walk 2026-12): a wrong picture code,
  // change an answer, back, "this is not me".
  'wrong',
  'change',
  'back',
  'next',
  'not-me',
] as const;
export type ScreenPictogramId = (typeof SCREEN_IDS)[number];

export type PictogramId = NeedId | GoalStep | FourG | AvatarId | ScreenPictogramId | import('./meetings.ts').MeetingPictogramId;

export const isNeedId = (v: unknown): v is NeedId => typeof v === 'string' && (NEED_IDS as readonly string[]).includes(v);
export const isGoalStep = (v: unknown): v is GoalStep => typeof v === 'string' && (GOAL_STEPS as readonly string[]).includes(v);
export const isAvatarId = (v: unknown): v is AvatarId => typeof v === 'string' && (AVATAR_IDS as readonly string[]).includes(v);

export const isFourG = (v: unknown): v is FourG => typeof v === 'string' && (FOUR_G as readonly string[]).includes(v);

/** The circles of a class plan ("Mickey Mouse"): the basis for all, two ears, two earrings. */
export const PLAN_CIRCLES = ['basis', 'intensive', 'deepened', 'very-intensive', 'very-deepened'] as const;
export type PlanCircle = (typeof PLAN_CIRCLES)[number];
export const isPlanCircle = (v: unknown): v is PlanCircle => typeof v === 'string' && (PLAN_CIRCLES as readonly string[]).includes(v);

/** The screens' spoken instructions (keys `needs:say.*`). */
export const SAY_KEYS = ['names', 'start', 'avatar', 'goal', 'needs', 'more', 'confirm', 'top', 'tip', 'thanks', 'nothing'] as const;
export type SayKey = (typeof SAY_KEYS)[number];

/**
 * What a teacher or parent can record a voice for: each card's label (a need as it completes
 * "I learn best…", and as a short name for tops and tips), each goal step, each screen's
 * instruction. The same list as SQL's private.voice_keys(); the text is `needs:<key>`.
 */
export const VOICE_KEYS = [
  ...NEED_IDS.map((id) => `need.${id}` as const),
  ...NEED_IDS.map((id) => `name.${id}` as const),
  ...GOAL_STEPS.map((id) => `step.${id}` as const),
  ...SAY_KEYS.map((id) => `say.${id}` as const),
] as const;
export type VoiceKey = (typeof VOICE_KEYS)[number];
export const isVoiceKey = (v: unknown): v is VoiceKey => typeof v === 'string' && (VOICE_KEYS as readonly string[]).includes(v);

/** Limits shared with the SQL checks (tests/db refuses one more). */
export const NEEDS_LIMITS = {
  words: 300,
  goal: 120,
  /** A drawing as the canvas sends it, before it is re-encoded. */
  drawingBytes: 2 * 1024 * 1024,
  /** A recorded label or instruction. */
  recordingBytes: 1024 * 1024,
} as const;

/**
 * The picture on a leaflet's card, from the same set as the pupils' board: per template the
 * leaflet started from; a school's own leaflet gets the general one.
 */
export const LEAFLET_PICTOGRAMS: Record<string, PictogramId> = {
  'samen-voor-uw-kind': 'm-parent',
  'leren-begint-thuis': 'm-at-home',
  'betrokken-bij-school': 'school',
  'hoge-verwachtingen': 'm-proud',
  'gesprekken-op-school': 'm-teacher',
  'extra-ondersteuning': 'm-extra-support',
  'uw-kind-praat-mee': 'own-words',
};
export const leafletPictogram = (template: string | null): PictogramId => (template && LEAFLET_PICTOGRAMS[template]) || 'learn';

/** The element id of a voice key's row on the voices pages (keys hold dots, ids had better not). */
export const voiceAnchor = (key: string): string => `voice-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
