import { GOAL_STEPS, type GoalStep, NEED_IDS, type NeedId, PLAN_CIRCLES, type PlanCircle } from './pictograms.ts';

/**
 * What a class's answers suggest, and the class plan in circles. Pure: the pages and the tests
 * share these, and the rule is shown to teachers in words (`school:needs.rule`).
 */

/**
 * The suggestion for one need: the basis for the whole class when at least two thirds of the
 * pupils who answered share it; a subgroup when three or more do; individual support for one or
 * two. Pupils who did not answer are not counted as "no": they are not in `answered`.
 */
export type Suggestion = 'basis' | 'subgroup' | 'individual' | 'none';

export function suggestionFor(count: number, answered: number): Suggestion {
  if (count <= 0 || answered <= 0) return 'none';
  if (3 * count >= 2 * answered) return 'basis';
  if (count >= 3) return 'subgroup';
  return 'individual';
}

export interface Answer {
  pupil_id: string;
  first_name: string;
  answered: boolean;
  needs: readonly NeedId[];
  goal_step: GoalStep | null;
}

export interface NeedSummary {
  need: NeedId;
  count: number;
  names: string[];
  /** The same pupils' ids, in the same order (names link to the pupil's page). */
  ids: string[];
  suggestion: Suggestion;
}

export interface RoundSummary {
  pupils: number;
  answered: number;
  notAnswered: string[];
  notAnsweredIds: string[];
  needs: NeedSummary[];
  steps: { step: GoalStep; names: string[]; ids: string[] }[];
}

/** Per need: how many chose it, who, and what that suggests; with who has not answered yet. */
export function summarise(answers: readonly Answer[]): RoundSummary {
  const given = answers.filter((a) => a.answered);
  const needs = NEED_IDS.map((need) => {
    const chose = given.filter((a) => a.needs.includes(need));
    const names = chose.map((a) => a.first_name);
    return { need, count: names.length, names, ids: chose.map((a) => a.pupil_id), suggestion: suggestionFor(names.length, given.length) };
  });
  return {
    pupils: answers.length,
    answered: given.length,
    notAnswered: answers.filter((a) => !a.answered).map((a) => a.first_name),
    notAnsweredIds: answers.filter((a) => !a.answered).map((a) => a.pupil_id),
    needs,
    steps: GOAL_STEPS.map((step) => {
      const at = given.filter((a) => a.goal_step === step);
      return { step, names: at.map((a) => a.first_name), ids: at.map((a) => a.pupil_id) };
    }),
  };
}

/**
 * Two rounds side by side: per need, the count in each, its share of the pupils who answered
 * that round (null: nobody answered), and the change in percentage points. Shares, not counts:
 * two rounds rarely have as many answers.
 */
export function compareRounds(before: RoundSummary, after: RoundSummary) {
  const share = (count: number, of: number) => (of === 0 ? null : count / of);
  return NEED_IDS.map((need, i) => {
    const a = before.needs[i]!.count;
    const b = after.needs[i]!.count;
    const beforeShare = share(a, before.answered);
    const afterShare = share(b, after.answered);
    const points = beforeShare === null || afterShare === null ? null : Math.round((afterShare - beforeShare) * 100);
    return { need, before: a, after: b, beforeShare, afterShare, points };
  });
}

/** Where the goal step places a pupil at first: not yet → intensive, I can and want more → deepened. */
export function circleForStep(step: GoalStep | null): PlanCircle {
  if (step === 'not-yet') return 'intensive';
  if (step === 'can-more') return 'deepened';
  return 'basis';
}

/** The plan to start from: the saved one, else filled from the goal steps; every pupil once. */
export function initialPlan(
  answers: readonly Answer[],
  saved: readonly { pupil_id: string; circle: PlanCircle }[],
): Record<string, PlanCircle> {
  const savedBy = new Map(saved.map((p) => [p.pupil_id, p.circle]));
  return Object.fromEntries(
    answers.map((a) => [a.pupil_id, savedBy.get(a.pupil_id) ?? (saved.length ? 'basis' : circleForStep(a.goal_step))]),
  );
}

/** The circles a plan draws: the basis and the ears always, an earring only when someone is in it. */
export function visibleCircles(plan: Record<string, PlanCircle>): PlanCircle[] {
  const used = new Set(Object.values(plan));
  return PLAN_CIRCLES.filter((c) => c === 'basis' || c === 'intensive' || c === 'deepened' || used.has(c));
}

const RADIUS: Record<PlanCircle, { min: number; max: number }> = {
  basis: { min: 110, max: 210 },
  intensive: { min: 62, max: 150 },
  deepened: { min: 62, max: 150 },
  'very-intensive': { min: 40, max: 95 },
  'very-deepened': { min: 40, max: 95 },
};

/**
 * A circle's radius: its area grows with the share of the class in it, between a smallest size
 * (room for a name and the count) and a largest (the whole class in that circle).
 */
export function circleRadius(circle: PlanCircle, count: number, total: number): number {
  const { min, max } = RADIUS[circle];
  if (total <= 0 || count <= 0) return min;
  const share = Math.min(1, count / total);
  return Math.round(min + (max - min) * Math.sqrt(share));
}

/** A class has at most this many open rounds at a time (a goal in reading beside one in maths). */
export const MAX_OPEN_ROUNDS = 3;

/**
 * Whether a round is open: not closed, or reopened for a day (its closing time still to come).
 * The database says the same (`private.round_is_open`).
 */
export function roundIsOpen(round: { closed_at: string | null }, now: number = Date.now()): boolean {
  return round.closed_at === null || Date.parse(round.closed_at) > now;
}
