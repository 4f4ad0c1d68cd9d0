import { describe, expect, it } from 'vitest';
import { AUDIO_MAX_BYTES, judgeAudio } from '~/server/audio.ts';

// The first bytes of real recordings, as browsers and phones write them.
const webm = Uint8Array.from([
  0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04, 0x42, 0xf3, 0x81, 0x08, 0x42, 0x82,
  0x84, 0x77, 0x65, 0x62, 0x6d, 0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02,
]);
const wav = (() => {
  const b = new Uint8Array(64);
  b.set(
    [...'RIFF'].map((c) => c.charCodeAt(0)),
    0,
  );
  b.set([56, 0, 0, 0], 4);
  b.set(
    [...'WAVEfmt '].map((c) => c.charCodeAt(0)),
    8,
  );
  return b;
})();
const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe('a recorded voice is judged by its bytes', () => {
  it('accepts the formats browsers record, stored under a generated name with the right type', async () => {
    const a = await judgeAudio(webm);
    expect(a).toMatchObject({ contentType: 'audio/webm' });
    expect('name' in a && /^[0-9a-f-]{36}\.webm$/.test(a.name)).toBe(true);
    expect(await judgeAudio(wav)).toMatchObject({ contentType: 'audio/wav' });
  });

  it('refuses a picture named .webm, an empty file and one over the limit', async () => {
    expect(await judgeAudio(png)).toEqual({ problem: 'not_audio' });
    expect(await judgeAudio(new TextEncoder().encode('<script>alert(1)</script>'))).toEqual({ problem: 'not_audio' });
    expect(await judgeAudio(new Uint8Array())).toEqual({ problem: 'empty' });
    const big = new Uint8Array(AUDIO_MAX_BYTES + 1);
    big.set(webm);
    expect(await judgeAudio(big)).toEqual({ problem: 'too_large' });
  });
});
