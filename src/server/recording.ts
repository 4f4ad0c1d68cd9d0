import type { AstroGlobal } from 'astro';

/** A page where a teacher or parent records voices: the only pages that may use the microphone. */
export function allowMicrophone(astro: Pick<AstroGlobal, 'response'>): void {
  astro.response.headers.set('Permissions-Policy', 'camera=(), microphone=(self), geolocation=(), payment=(), usb=()');
}
