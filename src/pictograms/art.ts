import dog from 'openmoji/color/svg/1F436.svg?raw';
import cat from 'openmoji/color/svg/1F431.svg?raw';
import rabbit from 'openmoji/color/svg/1F430.svg?raw';
import fox from 'openmoji/color/svg/1F98A.svg?raw';
import bear from 'openmoji/color/svg/1F43B.svg?raw';
import panda from 'openmoji/color/svg/1F43C.svg?raw';
import frog from 'openmoji/color/svg/1F438.svg?raw';
import lion from 'openmoji/color/svg/1F981.svg?raw';
import tiger from 'openmoji/color/svg/1F42F.svg?raw';
import koala from 'openmoji/color/svg/1F428.svg?raw';
import monkey from 'openmoji/color/svg/1F435.svg?raw';
import owl from 'openmoji/color/svg/1F989.svg?raw';
import turtle from 'openmoji/color/svg/1F422.svg?raw';
import ladybird from 'openmoji/color/svg/1F41E.svg?raw';
import butterfly from 'openmoji/color/svg/1F98B.svg?raw';
import dolphin from 'openmoji/color/svg/1F42C.svg?raw';
import giraffe from 'openmoji/color/svg/1F992.svg?raw';
import elephant from 'openmoji/color/svg/1F418.svg?raw';
import hedgehog from 'openmoji/color/svg/1F994.svg?raw';
import bee from 'openmoji/color/svg/1F41D.svg?raw';
import eyes from 'openmoji/color/svg/1F440.svg?raw';
import ear from 'openmoji/color/svg/1F442.svg?raw';
import speakingHead from 'openmoji/color/svg/1F5E3.svg?raw';
import framedPicture from 'openmoji/color/svg/1F5BC.svg?raw';
import teacher from 'openmoji/color/svg/1F9D1-200D-1F3EB.svg?raw';
import plus from 'openmoji/color/svg/2795.svg?raw';
import minus from 'openmoji/color/svg/2796.svg?raw';
import runner from 'openmoji/color/svg/1F3C3.svg?raw';
import headphones from 'openmoji/color/svg/1F3A7.svg?raw';
import holdingHands from 'openmoji/color/svg/1F9D1-200D-1F91D-200D-1F9D1.svg?raw';
import chair from 'openmoji/color/svg/1FA91.svg?raw';
import shush from 'openmoji/color/svg/1F92B.svg?raw';
import hourglass from 'openmoji/color/svg/23F3.svg?raw';
import pencil from 'openmoji/color/svg/270F.svg?raw';
import palette from 'openmoji/color/svg/1F3A8.svg?raw';
import crossMark from 'openmoji/color/svg/274C.svg?raw';
import arrowsAround from 'openmoji/color/svg/1F504.svg?raw';
import arrowLeft from 'openmoji/color/svg/2B05.svg?raw';
import arrowRight from 'openmoji/color/svg/27A1.svg?raw';
import personNo from 'openmoji/color/svg/1F645.svg?raw';
import thumbsUp from 'openmoji/color/svg/1F44D.svg?raw';
import bulb from 'openmoji/color/svg/1F4A1.svg?raw';
import seedling from 'openmoji/color/svg/1F331.svg?raw';
import herb from 'openmoji/color/svg/1F33F.svg?raw';
import tree from 'openmoji/color/svg/1F333.svg?raw';
import rocket from 'openmoji/color/svg/1F680.svg?raw';
import heart from 'openmoji/color/svg/2764.svg?raw';
import hug from 'openmoji/color/svg/1FAC2.svg?raw';
import check from 'openmoji/color/svg/2705.svg?raw';
import wavingHand from 'openmoji/color/svg/1F44B.svg?raw';
import speaker from 'openmoji/color/svg/1F50A.svg?raw';
import brain from 'openmoji/color/svg/1F9E0.svg?raw';
import globe from 'openmoji/color/svg/1F310.svg?raw';
import schoolBuilding from 'openmoji/color/svg/1F3EB.svg?raw';
import m_1F3A8 from 'openmoji/color/svg/1F3A8.svg?raw';
import m_1F3B8 from 'openmoji/color/svg/1F3B8.svg?raw';
import m_1F3C6 from 'openmoji/color/svg/1F3C6.svg?raw';
import m_1F3E0 from 'openmoji/color/svg/1F3E0.svg?raw';
import m_1F3E1 from 'openmoji/color/svg/1F3E1.svg?raw';
import m_1F442 from 'openmoji/color/svg/1F442.svg?raw';
import m_1F44B from 'openmoji/color/svg/1F44B.svg?raw';
import m_1F44D from 'openmoji/color/svg/1F44D.svg?raw';
import m_1F44E from 'openmoji/color/svg/1F44E.svg?raw';
import m_1F44F from 'openmoji/color/svg/1F44F.svg?raw';
import m_1F463 from 'openmoji/color/svg/1F463.svg?raw';
import m_1F46A from 'openmoji/color/svg/1F46A.svg?raw';
import m_1F46B from 'openmoji/color/svg/1F46B.svg?raw';
import m_1F46D from 'openmoji/color/svg/1F46D.svg?raw';
import m_1F4AC from 'openmoji/color/svg/1F4AC.svg?raw';
import m_1F4AD from 'openmoji/color/svg/1F4AD.svg?raw';
import m_1F4C5 from 'openmoji/color/svg/1F4C5.svg?raw';
import m_1F4C8 from 'openmoji/color/svg/1F4C8.svg?raw';
import m_1F4CB from 'openmoji/color/svg/1F4CB.svg?raw';
import m_1F4D6 from 'openmoji/color/svg/1F4D6.svg?raw';
import m_1F4DA from 'openmoji/color/svg/1F4DA.svg?raw';
import m_1F4DD from 'openmoji/color/svg/1F4DD.svg?raw';
import m_1F4DE from 'openmoji/color/svg/1F4DE.svg?raw';
import m_1F504 from 'openmoji/color/svg/1F504.svg?raw';
import m_1F50D from 'openmoji/color/svg/1F50D.svg?raw';
import m_1F522 from 'openmoji/color/svg/1F522.svg?raw';
import m_1F58D from 'openmoji/color/svg/1F58D.svg?raw';
import m_1F5E3 from 'openmoji/color/svg/1F5E3.svg?raw';
import m_1F600 from 'openmoji/color/svg/1F600.svg?raw';
import m_1F610 from 'openmoji/color/svg/1F610.svg?raw';
import m_1F61F from 'openmoji/color/svg/1F61F.svg?raw';
import m_1F634 from 'openmoji/color/svg/1F634.svg?raw';
import m_1F64B from 'openmoji/color/svg/1F64B.svg?raw';
import m_1F680 from 'openmoji/color/svg/1F680.svg?raw';
import m_1F917 from 'openmoji/color/svg/1F917.svg?raw';
import m_1F91D from 'openmoji/color/svg/1F91D.svg?raw';
import m_1F932 from 'openmoji/color/svg/1F932.svg?raw';
import m_1F971 from 'openmoji/color/svg/1F971.svg?raw';
import m_1F9D1_200D_1F3EB from 'openmoji/color/svg/1F9D1-200D-1F3EB.svg?raw';
import m_1F9D1_200D_1F4BC from 'openmoji/color/svg/1F9D1-200D-1F4BC.svg?raw';
import m_1F9D2 from 'openmoji/color/svg/1F9D2.svg?raw';
import m_1F9D8 from 'openmoji/color/svg/1F9D8.svg?raw';
import m_1F9E0 from 'openmoji/color/svg/1F9E0.svg?raw';
import m_1F9F8 from 'openmoji/color/svg/1F9F8.svg?raw';
import m_1FA7A from 'openmoji/color/svg/1FA7A.svg?raw';
import m_23F0 from 'openmoji/color/svg/23F0.svg?raw';
import m_26BD from 'openmoji/color/svg/26BD.svg?raw';
import m_2709 from 'openmoji/color/svg/2709.svg?raw';
import m_270F from 'openmoji/color/svg/270F.svg?raw';
import type { MeetingPictogramId } from '~/domain/meetings.ts';
import type { PictogramId } from '~/domain/pictograms.ts';

/**
 * The pictograms, from OpenMoji (openmoji.org, by HfG Schwäbisch Gmünd, CC BY-SA 4.0; credited on
 * the about page), inlined at build time: no request at run time, no third party. Where one
 * drawing does not say it, two are composed: the main one with a small badge in a corner (more
 * explanation: a teacher with a plus). Ids and classes are stripped, since many drawings share a
 * page; the markup is OpenMoji's own, never anyone's input.
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

/** A drawing with a second, smaller one on a white disc in its lower corner. */
function withBadge(main: string, badge: string): Art {
  const m = cleanSvg(main);
  const b = cleanSvg(badge);
  return {
    viewBox: '0 0 72 72',
    body: `<g>${m.body}</g><g transform="translate(40 40) scale(0.44)"><circle cx="36" cy="36" r="33" fill="#fff" stroke="#1d2327" stroke-width="3"/>${b.body}</g>`,
  };
}

/** The pictures of meetings' screens (src/domain/meetings.ts MEETING_PICTOGRAMS). */
const MEETING_ART: Record<MeetingPictogramId, Art> = {
  'm-introduction': cleanSvg(m_1F44B),
  'm-progress': cleanSvg(m_1F4C8),
  'm-report': cleanSvg(m_1F4CB),
  'm-extra-support': cleanSvg(m_1F91D),
  'm-other': cleanSvg(m_1F4AC),
  'm-kind': cleanSvg(m_1F917),
  'm-curious': cleanSvg(m_1F50D),
  'm-friends': cleanSvg(m_1F46B),
  'm-reading': cleanSvg(m_1F4D6),
  'm-numbers': cleanSvg(m_1F522),
  'm-moving': cleanSvg(m_26BD),
  'm-creative': cleanSvg(m_1F3A8),
  'm-helps-others': cleanSvg(m_1F91D),
  'm-at-home': cleanSvg(m_1F3E0),
  'm-health': cleanSvg(m_1FA7A),
  'm-sleep': cleanSvg(m_1F634),
  'm-feelings': cleanSvg(m_1F4AD),
  'm-languages': cleanSvg(m_1F5E3),
  'm-hobbies': cleanSvg(m_1F3B8),
  'm-big-change': cleanSvg(m_1F504),
  'm-how-is-it-going': cleanSvg(m_1F4C8),
  'm-friends-at-school': cleanSvg(m_1F46D),
  'm-learning': cleanSvg(m_1F9E0),
  'm-behaviour': cleanSvg(m_1F64B),
  'm-homework': cleanSvg(m_1F4DD),
  'm-help-at-home': cleanSvg(m_1F3E1),
  'm-next-steps': cleanSvg(m_1F463),
  'm-more-challenge': cleanSvg(m_1F680),
  'm-more-help': cleanSvg(m_1F932),
  'm-calm': cleanSvg(m_1F9D8),
  'm-structure': cleanSvg(m_1F4C5),
  'm-encouragement': cleanSvg(m_1F44F),
  'm-practice-at-home': cleanSvg(m_270F),
  'm-reading-together': cleanSvg(m_1F4DA),
  'm-interpreter': cleanSvg(m_1F5E3),
  'm-clear-language': cleanSvg(m_1F4AC),
  'm-more-contact': cleanSvg(m_1F4DE),
  'm-in-writing': cleanSvg(m_2709),
  'm-other-time': cleanSvg(m_23F0),
  'm-writing': cleanSvg(m_270F),
  'm-playing': cleanSvg(m_1F9F8),
  'm-drawing': cleanSvg(m_1F58D),
  'm-listening': cleanSvg(m_1F442),
  'm-happy': cleanSvg(m_1F600),
  'm-proud': cleanSvg(m_1F3C6),
  'm-worried': cleanSvg(m_1F61F),
  'm-bored': cleanSvg(m_1F971),
  'm-tired': cleanSvg(m_1F634),
  'm-want-help': cleanSvg(m_1F64B),
  'm-me': cleanSvg(m_1F9D2),
  'm-parent': cleanSvg(m_1F46A),
  'm-teacher': cleanSvg(m_1F9D1_200D_1F3EB),
  'm-coach': cleanSvg(m_1F9D1_200D_1F4BC),
  'm-yes': cleanSvg(m_1F44D),
  'm-partly': cleanSvg(m_1F610),
  'm-no': cleanSvg(m_1F44E),
};

export const PICTOGRAM_ART: Record<PictogramId, Art> = {
  ...MEETING_ART,
  look: cleanSvg(eyes),
  listen: cleanSvg(ear),
  'talk-picture': withBadge(speakingHead, framedPicture),
  'more-explanation': withBadge(teacher, plus),
  'less-explanation': withBadge(runner, minus),
  headphones: cleanSvg(headphones),
  group: cleanSvg(holdingHands),
  'quiet-place': withBadge(chair, shush),
  'more-time': withBadge(hourglass, plus),
  'not-yet': cleanSvg(seedling),
  almost: cleanSvg(herb),
  can: cleanSvg(tree),
  'can-more': cleanSvg(rocket),
  seen: cleanSvg(eyes),
  heard: cleanSvg(ear),
  valued: cleanSvg(heart),
  missed: cleanSvg(hug),
  'own-words': cleanSvg(pencil),
  // Writing is a pencil, drawing a palette: two different pictures (walk 2026-12).
  drawing: cleanSvg(palette),
  wrong: cleanSvg(crossMark),
  change: cleanSvg(arrowsAround),
  back: cleanSvg(arrowLeft),
  next: cleanSvg(arrowRight),
  'not-me': cleanSvg(personNo),
  top: cleanSvg(thumbsUp),
  tip: cleanSvg(bulb),
  'ask-teacher': cleanSvg(teacher),
  wait: cleanSvg(hourglass),
  done: cleanSvg(check),
  // Signing out, handing the tablet on: a wave, not the tick that confirms an answer (walk 2026-12).
  bye: cleanSvg(wavingHand),
  speaker: cleanSvg(speaker),
  learn: cleanSvg(brain),
  language: cleanSvg(globe),
  school: cleanSvg(schoolBuilding),
  dog: cleanSvg(dog),
  cat: cleanSvg(cat),
  rabbit: cleanSvg(rabbit),
  fox: cleanSvg(fox),
  bear: cleanSvg(bear),
  panda: cleanSvg(panda),
  frog: cleanSvg(frog),
  lion: cleanSvg(lion),
  tiger: cleanSvg(tiger),
  koala: cleanSvg(koala),
  monkey: cleanSvg(monkey),
  owl: cleanSvg(owl),
  turtle: cleanSvg(turtle),
  ladybird: cleanSvg(ladybird),
  butterfly: cleanSvg(butterfly),
  dolphin: cleanSvg(dolphin),
  giraffe: cleanSvg(giraffe),
  elephant: cleanSvg(elephant),
  hedgehog: cleanSvg(hedgehog),
  bee: cleanSvg(bee),
};
