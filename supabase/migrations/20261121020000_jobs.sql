-- Jobs: the ledger that lets pg-boss jobs apply their effect exactly once.
--
-- pg-boss (schema `pgboss`, created and migrated by pg-boss itself when the worker starts) delivers
-- a job at least once: a worker that crashes, or a job that outlives its expireInSeconds, gets the
-- job delivered again. Handlers that are not naturally idempotent wrap their effect in `runOnce`
-- (packages/server/src/jobs/run-once.ts), which inserts the job's id here in the SAME transaction
-- as the effect: either both commit or neither does, and a second delivery finds the row and skips.
-- See packages/server/src/jobs/README.md.

create table private.job_runs (
  job_id uuid primary key,
  queue text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz not null default clock_timestamp()
);

comment on table private.job_runs is
  'One row per pg-boss job whose effect has been committed (written in the same transaction as the effect, by runOnce in packages/server/src/jobs). A redelivered job whose id is here is skipped. Pruned after 30 days by the jobs.prune-runs job. Worker-only: no API role may read or write it.';
comment on column private.job_runs.job_id is 'pg-boss job id (pgboss.job.id).';
comment on column private.job_runs.queue is 'pg-boss queue name, for inspection.';
comment on column private.job_runs.started_at is 'Start of the transaction that applied the effect.';
comment on column private.job_runs.finished_at is 'When the effect finished, just before its transaction committed.';

create index job_runs_finished_at_idx on private.job_runs (finished_at);

-- Only the worker (the table owner) touches this table: RLS on with no policy, no grants.
alter table private.job_runs enable row level security;
revoke all on table private.job_runs from public, anon, authenticated;
