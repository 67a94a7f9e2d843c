import { randomUUID } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { afterAll } from 'vitest';
import { testStack } from '../../../../test/stack.ts';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES, QUEUES } from '../../src/jobs/queues.ts';
import type { Job, JobContext } from '../../src/jobs/types.ts';
import { syncQueues } from '../../src/jobs/worker.ts';
import {
  type DomainEvent,
  handleNotificationEvents,
  type NotificationsConsumerDeps,
} from '../../src/notifications/consumer.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { ownDatabaseAsPostgres } from '../jobs/helpers.ts';

export const stack = testStack();
export const JWT_SECRET = 'n'.repeat(40);
export const config = loadConfig({
  COKO_ENV: 'test',
  LOG_LEVEL: 'silent',
  COKO_JWT_SECRET: JWT_SECRET,
  COKO_PUBLIC_URL: 'https://coko.test',
  RATE_LIMITS: 'off',
});

/** The file's database as the API's and worker's role. */
export const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 6 });
/** As the superuser (fixtures). */
export const admin = new pg.Pool({ connectionString: stack.adminDatabaseUrl, max: 2 });
db.on('error', () => {});
admin.on('error', () => {});

export const app = createApp({ config, db, logger: silentLogger, limits: false });

let boss: PgBoss | undefined;
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await db.end();
  await admin.end();
});

export async function sql<R = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<R[]> {
  return (await admin.query(text, values)).rows as R[];
}

/** pg-boss's schema and the two queues the pipeline uses, as the worker would create them (no polling). */
export async function ensureQueues(): Promise<void> {
  if (boss) return;
  await ownDatabaseAsPostgres(stack.adminDatabaseUrl);
  boss = new PgBoss({ connectionString: stack.databaseUrl, schema: 'pgboss', supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await syncQueues(
    boss,
    QUEUES.filter((q) => q.name === DEAD_LETTER_QUEUE || q.name === QUEUE_NAMES.deliverNotification),
  );
}

export interface ReaderOptions {
  language?: string;
  phone?: string | null;
  email?: string | null;
  partnerName?: string | null;
  notifications?: Record<string, unknown>;
  displayName?: string | null;
}

/** A reader (auth user + profile from the trigger), with the given contact details and preferences. */
export async function newReader(options: ReaderOptions = {}): Promise<string> {
  const id = randomUUID();
  let partnerId: string | null = null;
  if (options.partnerName !== null && options.partnerName !== undefined) {
    const [partner] = await sql<{ id: string }>(
      `insert into private.partners (name, slug) values ($1, $2) returning id`,
      [options.partnerName, `p-${id.slice(0, 8)}`],
    );
    partnerId = partner!.id;
  }
  await sql(
    `insert into auth.users (instance_id, id, aud, role, email, phone, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, now(), now())`,
    [id, options.email === undefined ? `${id}@readers.test` : options.email, options.phone ?? null],
  );
  await sql(
    `update public.profiles
        set language = $2, partner_id = $3, display_name = $4,
            preferences = jsonb_set(preferences, '{notifications}', preferences -> 'notifications' || $5::jsonb)
      where id = $1`,
    [id, options.language ?? 'fr', partnerId, options.displayName ?? null, JSON.stringify(options.notifications ?? {})],
  );
  return id;
}

export async function addDevice(userId: string, token: string): Promise<void> {
  await sql(`insert into public.push_devices (user_id, token, platform) values ($1, $2, 'android')`, [userId, token]);
}

/** Emits a domain event with private.emit_event and returns its row, as the dispatcher would hand it over. */
export async function emit(kind: string, userId: string, payload: Record<string, unknown> = {}): Promise<DomainEvent> {
  const subject = randomUUID();
  const [row] = await sql<{ id: string | null }>('select private.emit_event($1, $2, $3, $4, $5) as id', [
    kind,
    userId,
    subject,
    `${kind}:${subject}`,
    JSON.stringify(payload),
  ]);
  const [event] = await sql<DomainEvent>('select * from private.domain_events where id = $1', [row!.id]);
  return event!;
}

/** Runs the consumer on `events` in one transaction, as the dispatcher does. */
export async function consume(events: DomainEvent[], deps: NotificationsConsumerDeps = {}): Promise<number> {
  const client = await db.connect();
  try {
    await client.query('begin');
    const created = await handleNotificationEvents(events, client, deps);
    await client.query('commit');
    return created;
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

export interface DeliveryRow {
  id: string;
  channel: string;
  status: string;
  attempts: number;
  send_after: Date;
  last_error: string | null;
  provider_message_id: string | null;
}

export async function deliveriesOf(userId: string): Promise<DeliveryRow[]> {
  return sql<DeliveryRow>(
    `select d.id::text, d.channel, d.status, d.attempts, d.send_after, d.last_error, d.provider_message_id
       from private.notification_deliveries d join public.notifications n on n.id = d.notification_id
      where n.user_id = $1 order by d.channel`,
    [userId],
  );
}

export const jobContext = (): JobContext => ({
  db,
  log: silentLogger,
  signal: new AbortController().signal,
  runOnce: () => Promise.reject(new Error('not used')),
});

export const deliverJob = (deliveryId: string, retryCount = 0, retryLimit = 8) =>
  ({
    id: randomUUID(),
    name: QUEUE_NAMES.deliverNotification,
    data: { deliveryId },
    retryCount,
    retryLimit,
  }) as unknown as Job<{
    deliveryId: string;
  }>;
