// The `local` adapters (`coko dev`, tests): nothing leaves the machine; each message is written to an outbox
// that the developer can read (`GET /functions/v1/api/dev/outbox`, owned by the notifications pipeline).
import { assertE164 } from './e164.ts';
import type { ChannelKind, EmailChannel, OutgoingMessage, PushChannel, SendResult, SmsChannel } from './port.ts';

export interface LocalOutboxEntry extends OutgoingMessage {
  channel: ChannelKind;
}

/** Where the local adapters write. The notifications pipeline persists it (`private.dev_outbox`) for `coko dev`. */
export interface LocalOutbox {
  /**
   * Stores `entry` and returns its id. Writing the same (channel, idempotencyKey) twice keeps one entry and
   * returns its id, as a provider that deduplicates would.
   */
  write(entry: LocalOutboxEntry): Promise<{ id: string }>;
}

export interface MemoryOutbox extends LocalOutbox {
  /** What was "sent", oldest first. */
  entries(): (LocalOutboxEntry & { id: string; createdAt: Date })[];
  clear(): void;
}

/** An in-memory {@link LocalOutbox} (tests; the default when no outbox is given). */
export function memoryOutbox(now: () => Date = () => new Date()): MemoryOutbox {
  const stored = new Map<string, LocalOutboxEntry & { id: string; createdAt: Date }>();
  let sequence = 0;
  return {
    async write(entry) {
      const key = `${entry.channel}:${entry.idempotencyKey}`;
      const existing = stored.get(key);
      if (existing) return { id: existing.id };
      sequence += 1;
      const saved = { ...entry, id: `local-${entry.channel}-${sequence}`, createdAt: now() };
      stored.set(key, saved);
      return { id: saved.id };
    },
    entries: () => [...stored.values()],
    clear: () => stored.clear(),
  };
}

async function write(outbox: LocalOutbox, channel: ChannelKind, m: OutgoingMessage): Promise<SendResult> {
  const { id } = await outbox.write({ ...m, channel });
  return { providerMessageId: id };
}

export function localEmail(outbox: LocalOutbox): EmailChannel {
  return { name: 'local', send: (m) => write(outbox, 'email', m) };
}

export function localPush(outbox: LocalOutbox): PushChannel {
  return { name: 'local', send: (m) => write(outbox, 'push', m) };
}

/** Validates E.164 like the real SMS adapters, so a malformed number fails in development too. */
export function localSms(outbox: LocalOutbox): SmsChannel {
  return {
    name: 'local',
    async send(m) {
      assertE164('local', m.to);
      return write(outbox, 'sms', m);
    },
  };
}
