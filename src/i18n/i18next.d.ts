// Translation keys typed from the Dutch files: one entry per namespace of NAMESPACES (index.ts);
// src/i18n/keys.ts fails the type check when one is missing. See keys.ts for keys built at run time.
import type auth from './locales/nl/auth.json';
import type common from './locales/nl/common.json';
import type leaflets from './locales/nl/leaflets.json';
import type meetings from './locales/nl/meetings.json';
import type needs from './locales/nl/needs.json';
import type notify from './locales/nl/notify.json';
import type plans from './locales/nl/plans.json';
import type privacy from './locales/nl/privacy.json';
import type school from './locales/nl/school.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    keySeparator: false;
    nsSeparator: ':';
    resources: {
      common: typeof common;
      auth: typeof auth;
      school: typeof school;
      leaflets: typeof leaflets;
      needs: typeof needs;
      meetings: typeof meetings;
      privacy: typeof privacy;
      notify: typeof notify;
      plans: typeof plans;
    };
  }
}
