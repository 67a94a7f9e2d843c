// One partner webhook delivery: the event as `{ id, type, createdAt, data }`, signed, POSTed to the
// partner's URL. 2xx: delivered. 410 Gone: the endpoint refuses this event for good, no retry. Anything
// else (another status, a redirect, a network error, the timeout): thrown, so pg-boss retries with
// backoff and dead-letters the job after the last attempt.
import type { Queryable } from '../db/pool.ts';
import { rows } from '../db/rows.ts';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';

export interface WebhookDeliveryDeps {
  fetch?: typeof fetch;
  /** Per attempt (default 10 s): a partner endpoint that hangs costs one attempt, not the worker. */
  timeoutMs?: number;
  /** Unix seconds for the signature (default: now). */
  now?: () => number;
}

/** The JSON body partners receive (README "Events and partner webhooks"). */
export interface WebhookPayload {
  /** The event id: the same across retries, so partners can drop duplicates. */
  id: string;
  type: string;
  /** When it happened (ISO 8601). */
  createdAt: string;
  data: Record<string, unknown>;
}

export type DeliveryOutcome =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'gone'; status: 410 }
  | { outcome: 'skipped'; reason: 'event_erased' | 'no_webhook' | 'partner_suspended' | 'no_secret' };

export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

const USER_AGENT = 'Coko-Webhooks/1.0';

export async function deliverWebhook(
  db: Queryable,
  job: { partnerId: string; eventId: string },
  deps: WebhookDeliveryDeps = {},
): Promise<DeliveryOutcome> {
  const [partner] = await rows<{ webhook_url: string | null; status: string; secrets: string[] }>(
    db,
    `select p.webhook_url, p.status::text as status,
            coalesce((select array_agg(s.secret order by s.expires_at nulls first, s.created_at desc)
                        from private.partner_webhook_secrets s
                       where s.partner_id = p.id and (s.expires_at is null or s.expires_at > now())), '{}') as secrets
       from private.partners p where p.id = $1`,
    [job.partnerId],
  );
  if (!partner?.webhook_url) return { outcome: 'skipped', reason: 'no_webhook' };
  if (partner.status !== 'active') return { outcome: 'skipped', reason: 'partner_suspended' };
  if (!partner.secrets.length) return { outcome: 'skipped', reason: 'no_secret' };

  const [event] = await rows<{
    id: string;
    kind: string;
    user_id: string | null;
    external_user_id: string | null;
    payload: Record<string, unknown>;
    occurred_at: Date;
  }>(
    db,
    `select e.id::text, e.kind, e.user_id, pu.external_user_id, e.payload, e.occurred_at
       from private.domain_events e
       left join private.partner_users pu on pu.user_id = e.user_id and pu.partner_id = $2
      where e.id = $1 and e.partner_id = $2`,
    [job.eventId, job.partnerId],
  );
  // The reader's account was anonymised since: their events are gone, and so is what we would send.
  if (!event) return { outcome: 'skipped', reason: 'event_erased' };

  const payload: WebhookPayload = {
    id: event.id,
    type: event.kind,
    createdAt: event.occurred_at.toISOString(),
    data: { userId: event.user_id, externalUserId: event.external_user_id, ...event.payload },
  };
  const body = JSON.stringify(payload);
  const timestamp = deps.now?.() ?? Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(partner.webhook_url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        [SIGNATURE_HEADER]: signWebhook(body, partner.secrets, timestamp),
        'Coko-Event-Id': event.id,
        'Coko-Event-Type': event.kind,
      },
      body,
      // A redirect is a misconfigured URL: following it would send the signed body somewhere unchecked.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new WebhookDeliveryError(
      timedOut
        ? `Partner endpoint did not answer within ${deps.timeoutMs ?? 10_000} ms`
        : `Partner endpoint unreachable: ${error instanceof Error ? error.message : String(error)}`,
      null,
    );
  }
  // Nothing in the answer matters but its status: release the connection.
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return { outcome: 'delivered', status: response.status };
  if (response.status === 410) return { outcome: 'gone', status: 410 };
  throw new WebhookDeliveryError(`Partner endpoint answered HTTP ${response.status}`, response.status);
}
