/** pg-boss's schema: created and migrated by pg-boss itself on start (not by supabase/migrations). */
export const PGBOSS_SCHEMA = 'pgboss';
/** `application_name` of the worker's connections (visible in `pg_stat_activity`). */
export const WORKER_APPLICATION_NAME = 'coko-worker';
