import { describe, expect, it } from 'vitest';
import { personalDataIn } from '../e2e/personal-data.ts';

// The check the e2e run ends with (tests/e2e/global-teardown.ts): it must find what it is for.
describe('personal data in a log', () => {
  it('finds e-mail addresses and the demo names, as whole words', () => {
    expect(personalDataIn('[portal] code for samira@ouders.example\n[portal] ok\nDaan signed in')).toEqual([
      '[portal] code for samira@ouders.example',
      'Daan signed in',
    ]);
    expect(personalDataIn('Leerling Ayşe')).toHaveLength(1);
  });

  it('leaves lines without them alone', () => {
    expect(
      personalDataIn('[portal] sign-in email_code: sent\nSaradownload\n/nl/s/demo/admin/classes/20000000-0000-4000-8000-000000000003'),
    ).toEqual([]);
  });
});
