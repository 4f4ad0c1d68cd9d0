import { account } from './account.ts';
import { auth } from './auth.ts';
import { classMode } from './class-mode.ts';
import { classes } from './classes.ts';
import { groupPlans } from './group-plans.ts';
import { invitations } from './invitations.ts';
import { join } from './join.ts';
import { leaflets } from './leaflets.ts';
import { meetingRounds } from './meeting-rounds.ts';
import { meetings } from './meetings.ts';
import { notifications } from './notifications.ts';
import { people } from './people.ts';
import { pupil } from './pupil.ts';
import { rounds } from './rounds.ts';
import { school } from './school.ts';
import { translations } from './translations.ts';
import { voices } from './voices.ts';

/**
 * Every POST that changes data, grouped per area (Astro Actions). Each is a form action: see
 * define.ts for its shape and src/middleware.ts for post → redirect → get.
 */
export const server = {
  account,
  auth,
  classMode,
  classes,
  groupPlans,
  invitations,
  join,
  leaflets,
  meetingRounds,
  meetings,
  notifications,
  people,
  pupil,
  rounds,
  school,
  translations,
  voices,
};
