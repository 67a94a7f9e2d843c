// The `notifications.deliver` job: sends one delivery (one notification on one channel) through its channel port.
//
// Exactly-once as far as we can make it: the delivery row is locked (FOR UPDATE SKIP LOCKED) for the duration of the
// send and only leaves `queued` in that transaction, so a redelivered or duplicated job either waits its turn and
// finds it `sent`, or finds it locked and retries later; the provider also gets a stable idempotency key
// (`delivery:<id>`) for the one case no database can close (the process dies after the provider accepted and
// before the commit). Push goes to every device of the reader; tokens already sent to are remembered (`sent_to`),
// so a retry after a partial send skips them, and tokens FCM calls unregistered are deleted.
import type pg from 'pg';
import type { Job, JobHandler } from '../jobs/types.ts';
import type { DeliveryChannel, NotificationKind } from './kinds.ts';
import { type NotificationChannels, type OutgoingMessage, PermanentSendError } from './ports.ts';
import { allows, parseNotificationPreferences } from './preferences.ts';
import { languageOf, renderEmail, renderSms } from './templates/index.ts';
import type { UnsubscribeTokens } from './unsubscribe-token.ts';

export interface DeliverDeps {
  channels: (db: pg.Pool) => NotificationChannels;
  tokens: () => Promise<UnsubscribeTokens>;
  /** Where the API is reached from outside (`https://…/functions/v1/api`), for unsubscribe links. */
  apiBase: string;
}

interface DeliveryRow {
  id: string;
  channel: DeliveryChannel;
  status: string;
  sent_to: string[];
  user_id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  notification_id: string;
  language: string;
  preferences: unknown;
  partner_name: string | null;
  email: string | null;
  phone: string | null;
}

export type DeliveryOutcome = 'sent' | 'skipped' | 'failed' | 'already-done' | 'gone';

const stringData = (data: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );

export function deliverNotificationHandler(deps: DeliverDeps): JobHandler<{ deliveryId?: unknown }> {
  let channels: NotificationChannels | undefined;
  return async (job: Job<{ deliveryId?: unknown }>, { db, log }) => {
    const deliveryId = job.data?.deliveryId;
    if (typeof deliveryId !== 'string' || !/^\d{1,18}$/.test(deliveryId)) {
      throw new Error('notifications.deliver needs data.deliveryId');
    }
    channels ??= deps.channels(db);
    const lastAttempt = (job.retryCount ?? 0) >= (job.retryLimit ?? 0);
    const client = await db.connect();
    try {
      await client.query('begin');
      const outcome = await deliverLocked(client, deliveryId, channels, deps, lastAttempt);
      await client.query('commit');
      log.info('notification delivery', { deliveryId, outcome });
      return { outcome };
    } catch (err) {
      await client.query('rollback').catch(() => {});
      if (err instanceof TransientFailure) {
        // Recorded outside the rolled-back transaction, for operators; then pg-boss retries (or dead-letters).
        await db.query(
          `update private.notification_deliveries
              set attempts = attempts + 1, last_error = left($2, 1000),
                  status = case when $3 then 'failed' else status end
            where id = $1 and status = 'queued'`,
          [deliveryId, err.message, lastAttempt],
        );
        if (err.sentTo.length > 0) {
          await db.query('update private.notification_deliveries set sent_to = sent_to || $2::text[] where id = $1', [
            deliveryId,
            err.sentTo,
          ]);
        }
      }
      throw err;
    } finally {
      client.release();
    }
  };
}

/** A send that may work later; carries the push tokens that did get the message. */
class TransientFailure extends Error {
  constructor(
    message: string,
    readonly sentTo: string[],
  ) {
    super(message);
    this.name = 'TransientFailure';
  }
}

async function deliverLocked(
  client: pg.PoolClient,
  deliveryId: string,
  channels: NotificationChannels,
  deps: DeliverDeps,
  lastAttempt: boolean,
): Promise<DeliveryOutcome> {
  const { rows } = await client.query<DeliveryRow>(
    `select d.id::text, d.channel, d.status, d.sent_to, n.id as notification_id, n.user_id, n.kind, n.title, n.body,
            n.data, p.language, p.preferences, pa.name as partner_name, nullif(u.email, '') as email,
            nullif(u.phone, '') as phone
       from private.notification_deliveries d
       join public.notifications n on n.id = d.notification_id
       join public.profiles p on p.id = n.user_id and p.deleted_at is null
       join auth.users u on u.id = n.user_id
       left join private.partners pa on pa.id = p.partner_id
      where d.id = $1
        for update of d skip locked`,
    [deliveryId],
  );
  const row = rows[0];
  if (!row) {
    const exists = await client.query('select 1 from private.notification_deliveries where id = $1', [deliveryId]);
    // Locked by another delivery of this job: let pg-boss try again later.
    if (exists.rowCount) throw new TransientFailure('delivery in progress elsewhere', []);
    return 'gone';
  }
  if (row.status !== 'queued') return 'already-done';

  const finish = (
    status: 'sent' | 'skipped' | 'failed',
    extra: { providerMessageId?: string | null; error?: string; sentTo?: string[] } = {},
  ) =>
    client.query(
      `update private.notification_deliveries
          set status = $2, attempts = attempts + case when $2 = 'skipped' then 0 else 1 end,
              provider_message_id = coalesce($3, provider_message_id), last_error = coalesce(left($4, 1000), last_error),
              sent_to = sent_to || $5::text[], sent_at = case when $2 = 'sent' then now() else sent_at end
        where id = $1`,
      [row.id, status, extra.providerMessageId ?? null, extra.error ?? null, extra.sentTo ?? []],
    );

  const channel = channels[row.channel];
  const prefs = parseNotificationPreferences(row.preferences);
  // The reader may have turned the channel off since the notification was queued.
  if (!channel || !allows(prefs, row.kind, row.channel)) {
    await finish('skipped', { error: channel ? 'turned off by the reader' : `no ${row.channel} channel configured` });
    return 'skipped';
  }
  const partnerName = row.partner_name ?? 'Coko';
  const language = languageOf(row.language);
  const key = `delivery:${row.id}`;
  const text = { title: row.title, body: row.body };

  if (row.channel === 'push') {
    const { rows: devices } = await client.query<{ token: string }>(
      'select token from public.push_devices where user_id = $1 and not (token = any($2::text[])) order by created_at',
      [row.user_id, row.sent_to],
    );
    if (devices.length === 0 && row.sent_to.length === 0) {
      await finish('skipped', { error: 'no push device' });
      return 'skipped';
    }
    const sentTo: string[] = [];
    let lastId: string | null = null;
    let transient: string | null = null;
    for (const { token } of devices) {
      try {
        const result = await channel.send({
          to: token,
          subject: text.title,
          text: text.body,
          data: { ...stringData(row.data), notificationId: row.notification_id, kind: row.kind },
          idempotencyKey: `${key}:${token.slice(-16)}`,
        });
        sentTo.push(token);
        lastId = result.providerMessageId;
      } catch (err) {
        if (err instanceof PermanentSendError) {
          // UNREGISTERED / INVALID_ARGUMENT: the token is dead; prune it so no other notification tries again.
          if (err.reason === 'unregistered' || err.reason === 'invalid_recipient') {
            await client.query('delete from public.push_devices where token = $1', [token]);
          }
          continue;
        }
        transient = err instanceof Error ? err.message : String(err);
      }
    }
    if (transient !== null && !lastAttempt) throw new TransientFailure(transient, sentTo);
    if (sentTo.length > 0 || row.sent_to.length > 0) {
      await finish('sent', { providerMessageId: lastId, sentTo, ...(transient ? { error: transient } : {}) });
      return 'sent';
    }
    await finish('failed', { error: transient ?? 'every device token was rejected' });
    return 'failed';
  }

  let message: OutgoingMessage;
  if (row.channel === 'email') {
    if (!row.email) {
      await finish('skipped', { error: 'no email address' });
      return 'skipped';
    }
    const token = await (await deps.tokens()).sign(row.user_id, row.kind);
    const unsubscribeUrl = `${deps.apiBase}/v1/notifications/unsubscribe?token=${token}`;
    const email = renderEmail(text, language, partnerName, unsubscribeUrl);
    message = {
      to: row.email,
      subject: email.subject,
      text: email.text,
      html: email.html,
      unsubscribeUrl,
      idempotencyKey: key,
    };
  } else {
    if (!row.phone) {
      await finish('skipped', { error: 'no phone number' });
      return 'skipped';
    }
    message = { to: `+${row.phone.replace(/^\+/, '')}`, text: renderSms(text, partnerName), idempotencyKey: key };
  }
  try {
    const result = await channel.send(message);
    await finish('sent', { providerMessageId: result.providerMessageId });
    return 'sent';
  } catch (err) {
    if (err instanceof PermanentSendError) {
      await finish('failed', { error: `${err.reason}: ${err.message}` });
      return 'failed';
    }
    throw new TransientFailure(err instanceof Error ? err.message : String(err), []);
  }
}
