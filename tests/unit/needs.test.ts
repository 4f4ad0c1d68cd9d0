import { describe, expect, it } from 'vitest';
import {
  roundIsOpen,
  type Answer,
  circleForStep,
  circleRadius,
  compareRounds,
  initialPlan,
  suggestionFor,
  summarise,
  visibleCircles,
} from '~/domain/needs.ts';
import type { NeedId } from '~/domain/pictograms.ts';

const answer = (name: string, needs: NeedId[] | null, step: Answer['goal_step'] = null): Answer => ({
  pupil_id: `id-${name}`,
  first_name: name,
  answered: needs !== null,
  needs: needs ?? [],
  goal_step: step,
});

describe('the suggestion rule (basis ≥ two thirds of those who answered, subgroup ≥ 3, else individual)', () => {
  it.each([
    // [count, answered, suggestion]
    [2, 3, 'basis'], // exactly two thirds
    [20, 30, 'basis'],
    [19, 30, 'subgroup'], // just under two thirds
    [3, 30, 'subgroup'], // three pupils
    [2, 30, 'individual'],
    [1, 30, 'individual'],
    [0, 30, 'none'],
    [0, 0, 'none'], // an empty class, or nobody answered
    [1, 1, 'basis'], // the only pupil who answered
    [3, 4, 'basis'],
    [2, 4, 'individual'], // two of four: not two thirds, not three
  ] as const)('%i of %i answered → %s', (count, answered, expected) => {
    expect(suggestionFor(count, answered)).toBe(expected);
  });

  it('counts those who answered, never those who did not (they are not a "no")', () => {
    const pupils = [
      answer('Sara', ['look']),
      answer('Daan', ['look']),
      answer('Mila', ['group']),
      answer('Noah', null),
      answer('Elif', null),
      answer('Bram', null),
    ];
    const summary = summarise(pupils);
    expect(summary.answered).toBe(3);
    expect(summary.pupils).toBe(6);
    expect(summary.notAnswered).toEqual(['Noah', 'Elif', 'Bram']);
    // 2 of 3 answered: basis, although 2 of 6 pupils would not be.
    expect(summary.needs.find((n) => n.need === 'look')).toEqual({
      need: 'look',
      count: 2,
      names: ['Sara', 'Daan'],
      ids: ['id-Sara', 'id-Daan'],
      suggestion: 'basis',
    });
    expect(summary.needs.find((n) => n.need === 'group')?.suggestion).toBe('individual');
    expect(summary.needs.find((n) => n.need === 'listen')).toMatchObject({ count: 0, suggestion: 'none' });
  });

  it('an empty class suggests nothing and lists nobody', () => {
    const summary = summarise([]);
    expect(summary.answered).toBe(0);
    expect(summary.notAnswered).toEqual([]);
    expect(summary.needs.every((n) => n.suggestion === 'none' && n.count === 0)).toBe(true);
  });

  it('groups pupils by their own step on the goal', () => {
    const summary = summarise([
      answer('Sara', [], 'not-yet'),
      answer('Daan', [], 'can-more'),
      answer('Mila', [], 'not-yet'),
      answer('Noah', null),
    ]);
    expect(summary.steps).toEqual([
      { step: 'not-yet', names: ['Sara', 'Mila'], ids: ['id-Sara', 'id-Mila'] },
      { step: 'almost', names: [], ids: [] },
      { step: 'can', names: [], ids: [] },
      { step: 'can-more', names: ['Daan'], ids: ['id-Daan'] },
    ]);
  });

  it('compares two rounds per need by shares of the pupils who answered, not raw counts', () => {
    const before = summarise([answer('Sara', ['look']), answer('Daan', ['look', 'group'])]);
    const after = summarise([
      answer('Sara', ['group']),
      answer('Daan', ['group', 'more-time']),
      answer('Mila', ['look']),
      answer('Noah', ['group']),
    ]);
    const rows = compareRounds(before, after);
    expect(rows.find((r) => r.need === 'look')).toEqual({
      need: 'look',
      before: 2,
      after: 1,
      beforeShare: 1,
      afterShare: 0.25,
      points: -75,
    });
    expect(rows.find((r) => r.need === 'more-time')).toMatchObject({ before: 0, after: 1, points: 25 });
    expect(rows.find((r) => r.need === 'group')).toMatchObject({ before: 1, after: 3, beforeShare: 0.5, afterShare: 0.75, points: 25 });
    const empty = summarise([answer('Sara', null)]);
    expect(compareRounds(before, empty).find((r) => r.need === 'look')).toMatchObject({ afterShare: null, points: null });
  });
});

describe('the class plan in circles', () => {
  it('places pupils from their own step: not yet → intensive, I can and want more → deepened, the rest in the basis', () => {
    expect(circleForStep('not-yet')).toBe('intensive');
    expect(circleForStep('almost')).toBe('basis');
    expect(circleForStep('can')).toBe('basis');
    expect(circleForStep('can-more')).toBe('deepened');
    expect(circleForStep(null)).toBe('basis');
    const pupils = [answer('Sara', [], 'not-yet'), answer('Daan', [], 'can-more'), answer('Mila', null)];
    expect(initialPlan(pupils, [])).toEqual({ 'id-Sara': 'intensive', 'id-Daan': 'deepened', 'id-Mila': 'basis' });
  });

  it('a saved plan wins; a pupil new since then starts in the basis', () => {
    const pupils = [answer('Sara', [], 'not-yet'), answer('Daan', [], 'can-more')];
    expect(initialPlan(pupils, [{ pupil_id: 'id-Sara', circle: 'very-intensive' }])).toEqual({
      'id-Sara': 'very-intensive',
      'id-Daan': 'basis',
    });
  });

  it('draws the earrings only when someone is in them', () => {
    expect(visibleCircles({ a: 'basis' })).toEqual(['basis', 'intensive', 'deepened']);
    expect(visibleCircles({ a: 'basis', b: 'very-deepened' })).toEqual(['basis', 'intensive', 'deepened', 'very-deepened']);
  });

  it('sizes a circle by its share of the class, between its smallest and largest size', () => {
    const r = (count: number) => circleRadius('basis', count, 24);
    expect(r(0)).toBe(110);
    expect(r(24)).toBe(210);
    expect(r(6)).toBeLessThan(r(12));
    expect(r(12)).toBeLessThan(r(18));
    // Area, not radius, grows with the count: a quarter of the class is half the growth.
    expect(r(6)).toBe(160);
    expect(circleRadius('intensive', 3, 24)).toBeLessThan(circleRadius('intensive', 6, 24));
    expect(circleRadius('very-deepened', 1, 24)).toBeLessThan(circleRadius('deepened', 1, 24));
    expect(circleRadius('basis', 5, 0)).toBe(110);
  });
});

describe('a round is open: not closed, or reopened for a day and the day not over', () => {
  const now = Date.parse('2026-12-08T10:00:00Z');
  it('open without a closing time, open before it, closed from it on', () => {
    expect(roundIsOpen({ closed_at: null }, now)).toBe(true);
    expect(roundIsOpen({ closed_at: '2026-12-09T09:59:00Z' }, now)).toBe(true);
    expect(roundIsOpen({ closed_at: '2026-12-08T10:00:00Z' }, now)).toBe(false);
    expect(roundIsOpen({ closed_at: '2026-12-01T10:00:00Z' }, now)).toBe(false);
  });
});
