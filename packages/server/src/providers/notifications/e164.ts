import { PermanentSendError } from './port.ts';

/** ITU-T E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/;

/** True for an E.164 number (`+221771234567`); spaces, dashes and national forms (`077…`) are not. */
export function isE164(phone: string): boolean {
  return E164.test(phone);
}

/** Throws a permanent `invalid_recipient` before any provider call (and any cost) for a number not in E.164. */
export function assertE164(provider: string, phone: string): void {
  if (!isE164(phone)) {
    throw new PermanentSendError('invalid_recipient', `${provider}: the recipient is not an E.164 phone number`, {
      provider,
    });
  }
}
