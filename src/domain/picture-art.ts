import type { PictureId } from './pictures.ts';

/**
 * The drawings of the nine code pictures: simple, bold and in distinct colours, so a
 * four-year-old can tell them apart without reading. Constant SVG markup (viewBox 0 0 64 64),
 * never built from user input; the Astro component and the island both draw from here.
 */
export const PICTURE_ART: Record<PictureId, string> = {
  apple:
    '<path d="M32 20c-6-5-20-4-20 12 0 14 10 24 16 24 2 0 3-1 4-1s2 1 4 1c6 0 16-10 16-24 0-16-14-17-20-12z" fill="#d62828"/>' +
    '<path d="M32 20c0-5 1-9 4-12" stroke="#6b3e1f" stroke-width="3" fill="none" stroke-linecap="round"/>' +
    '<path d="M35 13c5-5 12-4 14-2-3 4-9 6-14 2z" fill="#3a9d23"/>' +
    '<ellipse cx="22" cy="30" rx="3" ry="6" fill="#fff" opacity=".35"/>',
  bike:
    '<circle cx="16" cy="42" r="11" fill="none" stroke="#1d3557" stroke-width="4"/>' +
    '<circle cx="48" cy="42" r="11" fill="none" stroke="#1d3557" stroke-width="4"/>' +
    '<path d="M16 42l10-18h16l6 18M26 24l6 18h16M30 18h8M42 24l-4-8h-6" fill="none" stroke="#e76f51" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/>',
  cat:
    '<path d="M14 26l2-16 12 9h8l12-9 2 16c3 5 4 9 4 13 0 12-10 19-22 19S10 51 10 39c0-4 1-8 4-13z" fill="#f4a261"/>' +
    '<circle cx="24" cy="36" r="3.5" fill="#1d2327"/><circle cx="40" cy="36" r="3.5" fill="#1d2327"/>' +
    '<path d="M32 42l-3-3h6zM32 42v4M27 48c3 2 7 2 10 0" stroke="#1d2327" stroke-width="2" fill="#1d2327" stroke-linecap="round"/>' +
    '<path d="M6 40h12M6 46l12-3M58 40H46M58 46l-12-3" stroke="#1d2327" stroke-width="1.5" stroke-linecap="round"/>',
  sun:
    '<circle cx="32" cy="32" r="13" fill="#ffc300"/>' +
    '<g stroke="#f08c00" stroke-width="4" stroke-linecap="round">' +
    '<path d="M32 4v9M32 51v9M4 32h9M51 32h9M12 12l6 6M46 46l6 6M52 12l-6 6M18 46l-6 6"/></g>',
  tree:
    '<rect x="28" y="38" width="8" height="20" rx="2" fill="#7f4f24"/>' +
    '<circle cx="32" cy="22" r="14" fill="#2d9d3a"/><circle cx="20" cy="32" r="10" fill="#38b000"/>' +
    '<circle cx="44" cy="32" r="10" fill="#38b000"/>',
  fish:
    '<path d="M8 32c8-12 22-16 34-10l14-10v40L42 42C30 48 16 44 8 32z" fill="#fb8500"/>' +
    '<circle cx="20" cy="29" r="3" fill="#1d2327"/>' +
    '<path d="M30 24c3 5 3 11 0 16" stroke="#ffb703" stroke-width="3" fill="none"/>',
  star: '<path d="M32 6l7.6 16.4 17.9 2.2-13.2 12.3 3.5 17.7L32 45.9 16.2 54.6l3.5-17.7L6.5 24.6l17.9-2.2z" fill="#ffd60a" stroke="#e09f00" stroke-width="2.5" stroke-linejoin="round"/>',
  house:
    '<path d="M14 30h36v26H14z" fill="#f1faee" stroke="#457b9d" stroke-width="3"/>' +
    '<path d="M8 32L32 10l24 22" fill="#c1121f" stroke="#780000" stroke-width="3" stroke-linejoin="round"/>' +
    '<rect x="27" y="40" width="10" height="16" fill="#457b9d"/>' +
    '<rect x="18" y="36" width="7" height="7" fill="#a8dadc"/><rect x="39" y="36" width="7" height="7" fill="#a8dadc"/>',
  ball:
    '<circle cx="32" cy="32" r="24" fill="#fff" stroke="#1d3557" stroke-width="2.5"/>' +
    '<path d="M32 8a24 24 0 0 1 20 11L32 32z" fill="#0077b6"/>' +
    '<path d="M56 36a24 24 0 0 1-14 18L32 32z" fill="#e63946"/>' +
    '<path d="M22 54A24 24 0 0 1 8 30l24 2z" fill="#ffb703"/>',
};
