import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import type { OutgoingMessage, ServiceAccount } from '../../../src/providers/notifications/index.ts';

export { providerServer, viaMsw } from '../helpers.ts';

export const DELIVERY_ID = '5f0c7a52-3e1b-4d0a-9c61-2b7f4e8d9a10';

export function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    to: 'awa.diop@example.sn',
    subject: 'Nouveau badge : Lecteur assidu',
    text: 'Bravo Awa, vous avez lu 5 livres avec Librairie Clairafrique.',
    idempotencyKey: DELIVERY_ID,
    ...overrides,
  };
}

/** A service account key like the one the Firebase console downloads, with a fresh RSA key. */
export function serviceAccount(overrides: Partial<ServiceAccount> = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const account: ServiceAccount = {
    project_id: 'coko-lecteur',
    client_email: 'firebase-adminsdk-x1y2z@coko-lecteur.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    private_key_id: '8f2a0c1d9e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c',
    token_uri: 'https://oauth2.googleapis.com/token',
    ...overrides,
  };
  return { account, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The rejection of `promise`, checked to be an error named `name` (and with `fields`, when given). */
export async function rejection(
  promise: Promise<unknown>,
  name: 'PermanentSendError' | 'ChannelUnavailableError',
  fields: Record<string, unknown> = {},
): Promise<Error & Record<string, unknown>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(name);
  expect(error).toMatchObject(fields);
  return error as Error & Record<string, unknown>;
}
