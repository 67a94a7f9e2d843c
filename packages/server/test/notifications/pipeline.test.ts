// The notification pipeline against the real database and pg-boss: domain events → inbox rows and deliveries (per
// preference, kind and channel; quiet hours) → notifications.deliver through channel ports (the local outbox, or
// fakes that fail on purpose) → the dev outbox and unsubscribe routes.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { dispatchConsumer } from '../../src/events/dispatch.ts';
import { deliverNotification } from '../../src/jobs/handlers/notifications-deliver.ts';
import { QUEUE_NAMES, QUEUES } from '../../src/jobs/queues.ts';
import { notificationsConsumer } from '../../src/notifications/consumer.ts';
import { deliverNotificationHandler } from '../../src/notifications/deliver.ts';
import {
  type DeliveryChannels,
  localChannels,
  type MessageChannel,
  type OutgoingMessage,
  PermanentSendError,
} from '../../src/notifications/ports.ts';
import { unsubscribeSecret, unsubscribeTokens } from '../../src/notifications/unsubscribe-token.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { waitFor } from '../jobs/helpers.ts';
import {
  addDevice,
  app,
  consume,
  db,
  deliveriesOf,
  deliverJob,
  emit,
  ensureQueues,
  JWT_SECRET,
  jobContext,
  newReader,
  sql,
  stack,
} from './helpers.ts';

process.env.COKO_JWT_SECRET ??= JWT_SECRET; // the worker's default handler reads its environment
process.env.COKO_PUBLIC_URL ??= 'https://coko.test';

beforeAll(ensureQueues);

const tokens = async () => unsubscribeTokens(await unsubscribeSecret(JWT_SECRET));

/** A channel that records what it sends and fails as told (per recipient). */
function fakeChannel(fail: (m: OutgoingMessage) => Error | null = () => null) {
  const sent: OutgoingMessage[] = [];
  const channel: MessageChannel = {
    name: 'fake',
    async send(m) {
      const error = fail(m);
      if (error) throw error;
      sent.push(m);
      return { providerMessageId: `fake-${sent.length}` };
    },
  };
  return { channel, sent };
}
const handlerWith = (channels: Partial<DeliveryChannels>) =>
  deliverNotificationHandler({
    channels: () => ({ email: null, push: null, sms: null, ...channels }),
    tokens,
    apiBase: 'https://coko.test/functions/v1/api',
  });

describe('welcome at sign-up', () => {
  it('signing up (user.registered through events.dispatch) becomes a French welcome with the partner’s name, an email in the outbox, and one job per channel', async () => {
    // Sign-up: the profiles trigger logs user.registered; the device is registered before the dispatcher runs.
    const reader = await newReader({ partnerName: 'Librairie Clairafrique', displayName: 'Aminata' });
    await addDevice(reader, `tok-${reader}`);
    // Dispatched once the sign-up is below the horizon: a transaction of another test file, still running
    // in the shared cluster, may hold it back for a moment (as the worker does, go again until then).
    const inbox = await waitFor(
      async () => {
        expect(await dispatchConsumer(db, notificationsConsumer)).toMatchObject({ status: 'done' });
        const [row] = await sql<{ kind: string; title: string; body: string; in_app: boolean }>(
          'select kind, title, body, in_app from public.notifications where user_id = $1',
          [reader],
        );
        return row;
      },
      { what: 'the welcome in the inbox' },
    );
    expect(inbox).toEqual({
      kind: 'welcome',
      title: 'Bienvenue sur Librairie Clairafrique !',
      body: 'Bonjour Aminata, votre bibliothèque vous attend. Bonne lecture avec Librairie Clairafrique !',
      in_app: true,
    });
    const deliveries = await deliveriesOf(reader);
    expect(deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'queued'],
      ['push', 'queued'],
    ]);
    const jobs = await sql<{ data: { deliveryId: string }; singleton_key: string }>(
      `select data, singleton_key from pgboss.job where name = $1 and data ->> 'deliveryId' = any($2)`,
      [QUEUE_NAMES.deliverNotification, deliveries.map((d) => d.id)],
    );
    expect(jobs.map((j) => j.singleton_key).sort()).toEqual(deliveries.map((d) => `delivery:${d.id}`).sort());

    // The worker's own handler (local channels) delivers both.
    for (const d of deliveries) {
      expect(await deliverNotification(deliverJob(d.id), jobContext())).toEqual({ outcome: 'sent' });
    }
    const outbox = await fetch(`${stack.url}/functions/v1/api/dev/outbox?to=${reader}@readers.test`);
    expect(outbox.status).toBe(200);
    const { messages } = (await outbox.json()) as {
      messages: { channel: string; subject: string; text: string; unsubscribeUrl: string }[];
    };
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: 'email', subject: 'Bienvenue sur Librairie Clairafrique !' });
    expect(messages[0]!.unsubscribeUrl).toMatch(
      /^https:\/\/coko\.test\/functions\/v1\/api\/v1\/notifications\/unsubscribe\?token=/,
    );
    expect(messages[0]!.text).toContain(messages[0]!.unsubscribeUrl);
    const push = await sql(`select subject from private.dev_outbox where channel = 'push' and recipient = $1`, [
      `tok-${reader}`,
    ]);
    expect(push).toEqual([{ subject: 'Bienvenue sur Librairie Clairafrique !' }]);
  });

  it('an English reader without a partner gets it in English from Coko', async () => {
    const reader = await newReader({ language: 'en-NG' });
    await consume([await emit('user.registered', reader)]);
    const [row] = await sql<{ title: string }>('select title from public.notifications where user_id = $1', [reader]);
    expect(row?.title).toBe('Welcome to Coko!');
  });

  it('a replayed event creates nothing and queues nothing', async () => {
    const reader = await newReader();
    const event = await emit('user.registered', reader);
    expect(await consume([event])).toBe(1);
    const jobsBefore = await sql('select 1 from pgboss.job where name = $1', [QUEUE_NAMES.deliverNotification]);
    expect(await consume([event])).toBe(0);
    expect(await sql('select 1 from public.notifications where user_id = $1', [reader])).toHaveLength(1);
    expect(await sql('select 1 from pgboss.job where name = $1', [QUEUE_NAMES.deliverNotification])).toHaveLength(
      jobsBefore.length,
    );
  });

  it('events of other kinds, and events about no reader, notify nobody', async () => {
    const reader = await newReader();
    expect(await consume([await emit('reading.session_finished', reader, { minutes: 3 })])).toBe(0);
  });
});

describe('preferences and channels', () => {
  it('per-kind overrides, in-app off, SMS on with a phone, and unreachable channels', async () => {
    const reader = await newReader({
      phone: '221771234567',
      notifications: { sms: true, kinds: { badge_earned: { email: false, inApp: false } } },
    });
    await consume([await emit('badge.earned', reader, { badgeId: 'b1', slug: 'first-book' })]);
    const [row] = await sql<{ in_app: boolean }>('select in_app from public.notifications where user_id = $1', [
      reader,
    ]);
    expect(row?.in_app).toBe(false);
    // No email (turned off for badges), no push (no device), SMS (on, and a phone).
    expect((await deliveriesOf(reader)).map((d) => d.channel)).toEqual(['sms']);
    const sms = fakeChannel();
    const [delivery] = await deliveriesOf(reader);
    await handlerWith({ sms: sms.channel })(deliverJob(delivery!.id), jobContext());
    expect(sms.sent).toEqual([
      expect.objectContaining({ to: '+221771234567', text: expect.stringMatching(/^Coko: Bravo/) }),
    ]);
  });

  it('a channel turned off after queuing is skipped at delivery', async () => {
    const reader = await newReader();
    await consume([await emit('order.paid', reader, { orderId: 'o1' })]);
    const [email] = await deliveriesOf(reader);
    await sql(
      `update public.profiles set preferences = jsonb_set(preferences, '{notifications,email}', 'false') where id = $1`,
      [reader],
    );
    const fake = fakeChannel();
    expect(await handlerWith({ email: fake.channel })(deliverJob(email!.id), jobContext())).toEqual({
      outcome: 'skipped',
    });
    expect(fake.sent).toHaveLength(0);
  });
});

describe('quiet hours', () => {
  it.each([
    ['Africa/Dakar', '2026-12-07T23:00:00Z', '2026-12-08T07:00:00.000Z'],
    ['Europe/Paris', '2026-12-07T23:00:00Z', '2026-12-08T06:00:00.000Z'],
    ['Africa/Nairobi', '2026-12-07T12:00:00Z', '2026-12-07T12:00:00.000Z'], // 15:00 there: not quiet
  ])('in %s, at %s, push waits until %s and email does not wait', async (timeZone, now, expected) => {
    const reader = await newReader({ notifications: { quietHours: { start: '22:00', end: '07:00' }, timeZone } });
    await addDevice(reader, `tok-${reader}`);
    await consume([await emit('challenge.completed', reader, { challengeId: 'c1' })], { now: () => new Date(now) });
    const deliveries = await deliveriesOf(reader);
    const byChannel = Object.fromEntries(deliveries.map((d) => [d.channel, d.send_after.toISOString()]));
    expect(byChannel).toEqual({ email: new Date(now).toISOString(), push: expected });
    const [job] = await sql<{ start_after: Date }>(
      `select start_after from pgboss.job where name = $1 and data ->> 'deliveryId' = $2`,
      [QUEUE_NAMES.deliverNotification, deliveries.find((d) => d.channel === 'push')!.id],
    );
    expect(job?.start_after.toISOString()).toBe(expected);
  });
});

describe('notifications.deliver', () => {
  async function queuedEmail(): Promise<{ reader: string; id: string }> {
    const reader = await newReader();
    await consume([await emit('subscription.expiring', reader)]);
    const [email] = await deliveriesOf(reader);
    return { reader, id: email!.id };
  }

  it('a retried or duplicated job sends once', async () => {
    const { reader, id } = await queuedEmail();
    const fake = fakeChannel();
    const handler = handlerWith({ email: fake.channel });
    // Two deliveries of the same job at once (an expired attempt redelivered while the first still runs), then a retry.
    const results = await Promise.allSettled([
      handler(deliverJob(id), jobContext()),
      handler(deliverJob(id, 1), jobContext()),
    ]);
    await handler(deliverJob(id, 2), jobContext()).catch(() => {});
    expect(fake.sent).toHaveLength(1);
    expect(results.some((r) => r.status === 'fulfilled' && (r.value as { outcome: string }).outcome === 'sent')).toBe(
      true,
    );
    const [row] = await deliveriesOf(reader);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, provider_message_id: 'fake-1' });
    expect(fake.sent[0]!.idempotencyKey).toBe(`delivery:${id}`);
  });

  it('a transient error is retried; the last attempt fails the delivery and throws to the dead letter', async () => {
    const { reader, id } = await queuedEmail();
    const down = handlerWith({ email: fakeChannel(() => new Error('503 from provider')).channel });
    await expect(down(deliverJob(id, 0, 8), jobContext())).rejects.toThrow('503 from provider');
    expect((await deliveriesOf(reader))[0]).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: '503 from provider',
    });
    await expect(down(deliverJob(id, 8, 8), jobContext())).rejects.toThrow('503 from provider');
    expect((await deliveriesOf(reader))[0]).toMatchObject({ status: 'failed', attempts: 2 });
    // The queue sends exhausted jobs to the dead letter, with retries and backoff.
    expect(QUEUES.find((q) => q.name === QUEUE_NAMES.deliverNotification)?.options).toMatchObject({
      deadLetter: 'coko.dead-letter',
      retryBackoff: true,
      retryLimit: 8,
    });
  });

  it('a permanent error fails the delivery without retrying', async () => {
    const { reader, id } = await queuedEmail();
    const refused = handlerWith({
      email: fakeChannel(() => new PermanentSendError('invalid_recipient', 'bounced')).channel,
    });
    expect(await refused(deliverJob(id), jobContext())).toEqual({ outcome: 'failed' });
    expect((await deliveriesOf(reader))[0]).toMatchObject({
      status: 'failed',
      last_error: 'invalid_recipient: bounced',
    });
  });

  it('push: unregistered tokens are pruned, and a retry after a partial send skips the devices already reached', async () => {
    const reader = await newReader({ email: null });
    for (const t of ['ok', 'dead', 'flaky']) await addDevice(reader, `${t}-${reader}`);
    await consume([await emit('group.invited', reader, { groupId: 'g1', invitationId: 'i1' })]);
    const [push] = await deliveriesOf(reader);
    expect(push?.channel).toBe('push');
    let flakyUp = false;
    const fake = fakeChannel((m) => {
      if (m.to.startsWith('dead')) return new PermanentSendError('unregistered', 'UNREGISTERED');
      if (m.to.startsWith('flaky') && !flakyUp) return new Error('timeout');
      return null;
    });
    const handler = handlerWith({ push: fake.channel });
    await expect(handler(deliverJob(push!.id), jobContext())).rejects.toThrow('timeout');
    flakyUp = true;
    expect(await handler(deliverJob(push!.id, 1), jobContext())).toEqual({ outcome: 'sent' });
    expect(fake.sent.map((m) => m.to.split('-')[0])).toEqual(['ok', 'flaky']);
    const devices = await sql<{ token: string }>(
      'select token from public.push_devices where user_id = $1 order by token',
      [reader],
    );
    expect(devices.map((d) => d.token.split('-')[0])).toEqual(['flaky', 'ok']);
  });
});

describe('unsubscribe link', () => {
  it('turns that kind’s email off without a session; later emails of the kind are skipped, others still go', async () => {
    const reader = await newReader();
    await consume([await emit('post.replied', reader, { threadId: 't', postId: 'p', parentAuthorId: reader })]);
    const [email] = await deliveriesOf(reader);
    await deliverNotificationHandler({ channels: (pool) => localChannels(pool), tokens, apiBase: '/api' })(
      deliverJob(email!.id),
      jobContext(),
    );
    const [sent] = await sql<{ unsubscribe_url: string }>(
      'select unsubscribe_url from private.dev_outbox where recipient = $1',
      [`${reader}@readers.test`],
    );
    const res = await app.request(sent!.unsubscribe_url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Vous ne recevrez plus d'emails de réponse à vos messages");
    const [profile] = await sql<{ kinds: unknown }>(
      `select preferences #> '{notifications,kinds}' as kinds from public.profiles where id = $1`,
      [reader],
    );
    expect(profile?.kinds).toEqual({ post_reply: { email: false } });
    // Again (a mail client's one-click POST): still fine.
    expect((await app.request(sent!.unsubscribe_url, { method: 'POST' })).status).toBe(200);

    await consume([await emit('post.replied', reader, { threadId: 't', postId: 'p2', parentAuthorId: reader })]);
    await consume([await emit('order.paid', reader, { orderId: 'o' })]);
    const kinds = await sql<{ kind: string; channel: string }>(
      `select n.kind, d.channel from private.notification_deliveries d join public.notifications n on n.id = d.notification_id
        where n.user_id = $1 and n.kind <> 'post_reply' or (n.user_id = $1 and d.status = 'queued')`,
      [reader],
    );
    expect(kinds).toEqual([{ kind: 'receipt', channel: 'email' }]);
  });

  it('refuses a forged or missing token', async () => {
    const forged = await app.request('/api/v1/notifications/unsubscribe?token=abc.def');
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'PERMISSION_DENIED' } });
    const missing = await app.request('/api/v1/notifications/unsubscribe');
    expect(missing.status).toBe(400);
    const other = await (await unsubscribeTokens(new Uint8Array(32))).sign(crypto.randomUUID(), 'welcome');
    expect((await app.request(`/api/v1/notifications/unsubscribe?token=${other}`)).status).toBe(403);
    const gone = await (await tokens()).sign(crypto.randomUUID(), 'welcome');
    expect((await app.request(`/api/v1/notifications/unsubscribe?token=${gone}`)).status).toBe(404);
  });
});

describe('dev outbox', () => {
  it('does not exist in production', async () => {
    const production = createApp({
      config: loadConfig({
        COKO_ENV: 'production',
        DATABASE_URL: stack.databaseUrl,
        COKO_JWT_SECRET: JWT_SECRET,
        COKO_PUBLIC_URL: 'https://coko.example.com',
      }),
      db,
      logger: silentLogger,
      limits: false,
    });
    const res = await production.request('/api/dev/outbox');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await app.request('/api/dev/outbox?channel=fax')).status).toBe(400);
  });
});
