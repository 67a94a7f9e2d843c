// FCM HTTP v1 (https://firebase.google.com/docs/reference/fcm/rest/v1/projects.messages/send): POST
// `projects/{project_id}/messages:send` with a service-account bearer token; 200 `{ name }`; errors as
// `{ error: { code, message, status, details: [{ '@type': '…FcmError', errorCode }] } }`
// (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode).

import { FCM_SCOPE, type ServiceAccount, serviceAccountTokens } from './google-token.ts';
import { httpFailure, postToProvider } from './http.ts';
import { type OutgoingMessage, PermanentSendError, type PushChannel, type SendResult } from './port.ts';

export const FCM_API_URL = 'https://fcm.googleapis.com';

export interface FcmOptions {
  account: ServiceAccount;
  fetch: typeof fetch;
  now?: () => Date;
  apiUrl?: string;
}

interface GoogleError {
  status?: string;
  details?: { '@type'?: string; errorCode?: string; fieldViolations?: { field?: string }[] }[];
}

function googleError(json: unknown): GoogleError {
  const error = (json as { error?: unknown } | undefined)?.error;
  return typeof error === 'object' && error !== null ? (error as GoogleError) : {};
}

/** FCM's own code (`UNREGISTERED` …) from the FcmError detail, else the Google status (`INVALID_ARGUMENT` …). */
function fcmErrorCode(error: GoogleError): string | undefined {
  const fcm = error.details?.find((detail) => detail['@type']?.endsWith('google.firebase.fcm.v1.FcmError'));
  return fcm?.errorCode ?? error.status;
}

/** The fields a `google.rpc.BadRequest` detail blames (`message.data[0].value` …). */
function blamedFields(error: GoogleError): string[] {
  return (error.details ?? []).flatMap((detail) => (detail.fieldViolations ?? []).map((v) => v.field ?? ''));
}

/**
 * Push through FCM HTTP v1. `UNREGISTERED` (the app was uninstalled, the token expired), `SENDER_ID_MISMATCH`
 * (a token of another Firebase project) and `INVALID_ARGUMENT` about the token are permanent `unregistered`:
 * the pipeline prunes the device. An `INVALID_ARGUMENT` that blames another field (a data value, the payload
 * size) is Coko's message, not the reader's device: permanent `rejected`, the token is kept.
 */
export function fcmPush(options: FcmOptions): PushChannel {
  const now = options.now ?? (() => new Date());
  const tokens = serviceAccountTokens({ account: options.account, scope: FCM_SCOPE, fetch: options.fetch, now });
  const url = `${options.apiUrl ?? FCM_API_URL}/v1/projects/${encodeURIComponent(options.account.project_id)}/messages:send`;

  async function post(m: OutgoingMessage, bearer: string) {
    const message = {
      token: m.to,
      notification: { ...(m.subject ? { title: m.subject } : {}), body: m.text },
      ...(m.data && Object.keys(m.data).length > 0 ? { data: m.data } : {}),
    };
    return postToProvider({
      provider: 'fcm',
      fetch: options.fetch,
      url,
      headers: { authorization: `Bearer ${bearer}` },
      body: { message },
    });
  }

  return {
    name: 'fcm',
    async send(m: OutgoingMessage): Promise<SendResult> {
      let bearer = await tokens.token();
      let response = await post(m, bearer);
      if (response.status === 401) {
        // A token revoked before its expiry (key rotated): one new token, one more try.
        tokens.invalidate(bearer);
        bearer = await tokens.token();
        response = await post(m, bearer);
      }
      if (response.ok) {
        const name = (response.json as { name?: unknown } | undefined)?.name;
        return { providerMessageId: typeof name === 'string' ? name : null };
      }
      const error = googleError(response.json);
      const code = fcmErrorCode(error);
      const details = { provider: 'fcm', status: response.status, providerCode: code };
      if (code === 'UNREGISTERED' || code === 'SENDER_ID_MISMATCH') {
        throw new PermanentSendError('unregistered', `fcm: the device token is no longer valid (${code})`, details);
      }
      if (code === 'INVALID_ARGUMENT') {
        const fields = blamedFields(error);
        if (fields.length === 0 || fields.every((field) => field === 'message.token')) {
          throw new PermanentSendError('unregistered', 'fcm: the device token is not a valid FCM token', details);
        }
        throw new PermanentSendError('rejected', `fcm refused the message (${fields.join(', ')})`, details);
      }
      throw httpFailure('fcm', response, code);
    },
  };
}
