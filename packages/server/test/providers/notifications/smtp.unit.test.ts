import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { smtpEmail } from '../../../src/providers/notifications/index.ts';
import { DELIVERY_ID, message, rejection } from './helpers.ts';

// A real SMTP exchange with a server on 127.0.0.1 (smtp-server, nodemailer's own server library): no mock.
interface Received {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
}

const received: Received[] = [];
/** The next RCPT TO answer for `reader-<code>@…` addresses: 550 (no such user), 452 (mailbox full). */
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === 'coko' && auth.password === 'motdepasse') callback(null, { user: auth.username });
    else callback(new Error('Invalid username or password'));
  },
  onRcptTo(address, _session, callback) {
    const code = /^reader-(\d{3})@/.exec(address.address)?.[1];
    if (!code) return callback();
    const error = Object.assign(new Error(`Mailbox refused (${code})`), { responseCode: Number(code) });
    callback(error);
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      received.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        raw: Buffer.concat(chunks).toString('utf8'),
        user: session.user,
      });
      callback();
    });
  },
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
});

/** Unfolds header lines (RFC 5322 §2.2.3) so assertions read whole headers. */
function headers(raw: string): string {
  return (raw.split('\r\n\r\n')[0] ?? '').replace(/\r\n[ \t]+/g, ' ');
}

describe('SMTP (nodemailer against a local SMTP server)', () => {
  it('delivers text and HTML with a Message-ID from the idempotency key and one-click List-Unsubscribe', async () => {
    const smtp = smtpEmail({
      url: `smtp://coko:motdepasse@127.0.0.1:${port}`,
      from: 'Librairie Clairafrique <lire@clairafrique.sn>',
    });
    try {
      const result = await smtp.send(
        message({ html: '<p>Bravo Awa</p>', unsubscribeUrl: 'https://coko.example.sn/u?token=abc' }),
      );
      expect(result).toEqual({ providerMessageId: `<${DELIVERY_ID}@clairafrique.sn>` });
    } finally {
      await smtp.close();
    }
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail?.user).toBe('coko');
    expect(mail?.from).toBe('lire@clairafrique.sn');
    expect(mail?.to).toEqual(['awa.diop@example.sn']);
    const head = headers(mail?.raw ?? '');
    expect(head).toContain(`Message-ID: <${DELIVERY_ID}@clairafrique.sn>`);
    expect(head).toContain('List-Unsubscribe: <https://coko.example.sn/u?token=abc>');
    expect(head).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(head).toMatch(/Subject: .*Nouveau badge/);
    expect(mail?.raw).toContain('Content-Type: text/plain');
    expect(mail?.raw).toContain('Content-Type: text/html');
  });

  it('a 5xx on RCPT TO is a permanent invalid_recipient; a 4xx is transient', async () => {
    const smtp = smtpEmail({ url: `smtp://127.0.0.1:${port}`, from: 'lire@clairafrique.sn' });
    try {
      await rejection(smtp.send(message({ to: 'reader-550@example.sn' })), 'PermanentSendError', {
        reason: 'invalid_recipient',
        provider: 'smtp',
        status: 550,
      });
      await rejection(smtp.send(message({ to: 'reader-452@example.sn' })), 'ChannelUnavailableError', {
        provider: 'smtp',
        status: 452,
      });
    } finally {
      await smtp.close();
    }
    expect(received).toHaveLength(0);
  });

  it('a server that cannot be reached is transient; refused credentials are transient too', async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const unreachable = smtpEmail({ url: `smtp://127.0.0.1:${closedPort}`, from: 'lire@clairafrique.sn' });
    await rejection(unreachable.send(message()), 'ChannelUnavailableError', { provider: 'smtp' });
    await unreachable.close();

    const wrongPassword = smtpEmail({ url: `smtp://coko:faux@127.0.0.1:${port}`, from: 'lire@clairafrique.sn' });
    await rejection(wrongPassword.send(message()), 'ChannelUnavailableError', { provider: 'smtp' });
    await wrongPassword.close();
  });
});
