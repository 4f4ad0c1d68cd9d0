-- Schools and people: the roles a school gives. "staff" becomes "teacher" (who teaches which
-- class is set by the admin, see classes_pupils_teachers), and the internal coach (intern
-- begeleider, IB'er) is a role of its own: like an admin, the coach sees every class; unlike an
-- admin, the coach does not manage the school's people and settings.
--
-- Only the type changes here: PostgreSQL will not use a new enum value in the transaction that
-- adds it, so the functions and policies that use the roles follow in the next migration.

alter type public.school_role rename value 'staff' to 'teacher';
alter type public.school_role add value if not exists 'coach' after 'admin';
