import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gateAnswerRight, gateQuestion } from '~/server/class-adult.ts';

describe("the teacher's sum on a class device", () => {
  const secret = randomBytes(32);
  it('asks two numbers of two digits and knows the answer without keeping anything', () => {
    const q = gateQuestion(secret, 'device-a');
    expect(q.a).toBeGreaterThanOrEqual(12);
    expect(q.b).toBeLessThan(50);
    expect(gateAnswerRight(secret, 'device-a', q.a + q.b, q.proof)).toBe(true);
    expect(gateAnswerRight(secret, 'device-a', q.a + q.b + 1, q.proof)).toBe(false);
  });

  it('the answer is bound to the device and expires', () => {
    const now = Date.now();
    const q = gateQuestion(secret, 'device-a', now);
    expect(gateAnswerRight(secret, 'device-b', q.a + q.b, q.proof, now)).toBe(false);
    expect(gateAnswerRight(secret, 'device-a', q.a + q.b, q.proof, now + 11 * 60_000)).toBe(false);
    expect(gateAnswerRight(randomBytes(32), 'device-a', q.a + q.b, q.proof, now)).toBe(false);
    expect(gateAnswerRight(secret, 'device-a', q.a + q.b, 'garbage', now)).toBe(false);
  });
});
