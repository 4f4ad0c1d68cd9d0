/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The locale of this request: from the URL, or negotiated where the URL has none. */
    lang: import('./i18n/locales.ts').Locale;
    dir: import('./i18n/locales.ts').Dir;
    /** i18next `t` bound to `lang`. */
    t: import('./i18n/index.ts').TFunction;
    /** The backend port, bound to this request's session. */
    backend: import('./server/port.ts').Backend;
    /** The verified user of this request, or null. */
    user: import('./server/port.ts').SessionUser | null;
    /** The pictograms this page shows, drawn once each at the end of the page (PictogramSprite). */
    pictograms?: Set<import('./domain/pictograms.ts').PictogramId>;
  }
}
