import askTeacher from 'openmoji/color/svg/1F9D1-200D-1F3EB.svg?raw';
import hourglass from 'openmoji/color/svg/23F3.svg?raw';

/**
 * Pictogram drawings from OpenMoji (openmoji.org, CC BY-SA 4.0; see the about page), inlined at
 * build time: no request at run time, no third party. Ids are stripped, since several drawings
 * share one page; the markup is OpenMoji's own, never built from anyone's input.
 */
export interface Art {
  viewBox: string;
  body: string;
}

export function cleanSvg(raw: string): Art {
  const viewBox = /viewBox="([^"]+)"/.exec(raw)?.[1] ?? '0 0 72 72';
  const body = raw
    .replace(/<\?xml[^>]*>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/^[\s\S]*?<svg[^>]*>/, '')
    .replace(/<\/svg>\s*$/, '')
    .replace(/\s(id|class)="[^"]*"/g, '')
    .replace(/>\s+</g, '><')
    .trim();
  return { viewBox, body };
}

export const PUPIL_ART = {
  'ask-teacher': cleanSvg(askTeacher),
  wait: cleanSvg(hourglass),
} as const satisfies Record<string, Art>;

export type PupilArtId = keyof typeof PUPIL_ART;
