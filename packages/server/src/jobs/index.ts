// Background jobs on pg-boss: queue declarations, handlers, the worker and the exactly-once helper.

export { loadWorkerConfig, MISSING_DATABASE_URL, type WorkerConfig } from './config.ts';
export { HANDLERS } from './handlers/index.ts';
export {
  DEAD_LETTER_QUEUE,
  QUEUE_NAMES,
  QUEUES,
  type QueueDefinition,
  type QueueOptions,
  SCHEDULES,
  type ScheduleDefinition,
} from './queues.ts';
export { type JobQueueCheckOptions, jobQueueCheck } from './readiness.ts';
export { type RunOnceOptions, runOnce } from './run-once.ts';
export { installWorkerShutdown } from './shutdown.ts';
export type { Job, JobContext, JobHandler, JobHandlers, RunOnceResult } from './types.ts';
export {
  type CaptureJobFailure,
  type CokoWorker,
  type JobFailureContext,
  PGBOSS_SCHEMA,
  type StartWorkerOptions,
  startWorker,
  syncQueues,
  syncSchedules,
  WORKER_APPLICATION_NAME,
  type WorkerPoolSettings,
} from './worker.ts';
