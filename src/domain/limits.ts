/**
 * Limits shared by the zod schemas and the SQL `check` constraints in supabase/migrations.
 * Change both together; tests/db checks that the database refuses one more than these.
 */
export const LIMITS = {
  schoolName: { min: 2, max: 120 },
  displayName: { min: 1, max: 80 },
  className: { min: 1, max: 40 },
  pupilName: { min: 1, max: 40 },
  pupilsPerPaste: 40,
  /** The most pupils a class has; every list of pupils an input carries is limited to it. */
  pupilsPerClass: 40,
  childrenPerInvitation: 20,
  teachersPerClass: 10,
  email: 254,
  /** A request for erasure's message, and the school's reason when it says no. */
  erasureMessage: 500,
  phone: 40,
  invitationLabel: 80,
  password: { min: 10, max: 200 },
} as const;
