import { describe, expect, it } from 'vitest';
import { server } from '~/actions/index.ts';
import { bodyLimitOf, bodyOverLimit, FORM_BODY_LIMIT, MAX_BODY_LIMIT, UPLOAD_LIMITS } from '~/server/body-limits.ts';

/** Issue 18 (M6): every form took 20 MB; now each form its own, large only where a file goes. */
describe('body limits', () => {
  it('an ordinary form (sign-in, a meeting, feedback) gets a small limit; an upload form room for its file', () => {
    for (const name of ['auth.sendCode', 'auth.verifyCode', 'meetings.create', 'meetings.feedback', 'account.setPassword']) {
      expect(bodyLimitOf(name, '/nl/sign-in')).toBe(FORM_BODY_LIMIT);
    }
    expect(FORM_BODY_LIMIT).toBeLessThanOrEqual(128 * 1024);
    expect(bodyLimitOf('leaflets.uploadImage', '/x')).toBeGreaterThan(15 * 1024 * 1024);
    expect(bodyLimitOf('pupil.drawing', '/x')).toBeGreaterThan(2 * 1024 * 1024);
    expect(bodyLimitOf('pupil.drawing', '/x')).toBeLessThan(3 * 1024 * 1024);
    expect(bodyLimitOf('voices.save', '/x')).toBeLessThan(2 * 1024 * 1024);
    expect(bodyLimitOf(null, '/api/preparation/abc')).toBe(64 * 1024);
    // The adapter's ceiling (astro.config.ts: 16 MB) holds the largest upload form.
    expect(MAX_BODY_LIMIT).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('every action that takes a file is in the upload list, and every listed action exists', () => {
    const names = Object.entries(server).flatMap(([area, actions]) => Object.keys(actions).map((a) => `${area}.${a}`));
    for (const name of Object.keys(UPLOAD_LIMITS)) expect(names).toContain(name);
  });

  it('judged by the headers: over the length, chunked without one, or fine', () => {
    const post = (headers: Record<string, string>) => new Request('http://x/', { method: 'POST', headers });
    expect(bodyOverLimit(post({ 'content-length': '2000' }), 1000)).toBe('large');
    expect(bodyOverLimit(post({ 'content-length': '1000' }), 1000)).toBeNull();
    expect(bodyOverLimit(post({ 'content-length': '1e9' }), 1000)).toBe('unknown');
    expect(bodyOverLimit(post({ 'transfer-encoding': 'chunked' }), 1000)).toBe('unknown');
    expect(bodyOverLimit(post({}), 1000)).toBeNull();
    expect(bodyOverLimit(new Request('http://x/', { headers: { 'content-length': '5000' } }), 1000)).toBeNull();
  });
});
