import type { CokoClient, CokoError, Consent, Profile } from '@coko/sdk';
import { queryOptions } from '@tanstack/react-query';
import { cokoRetry } from '../catalog/options';
import { cokoKeys } from '../query-keys';

/** Query options for the signed-in reader's profile, preferences included (`coko.account.profile.get`). */
export function profileQueryOptions(client: CokoClient) {
  return queryOptions<Profile, CokoError>({
    queryKey: cokoKeys.account.profile(),
    queryFn: ({ signal }) => client.account.profile.get({ signal }),
    retry: cokoRetry,
  });
}

/** Query options for the reader's current consent decisions (`coko.account.consents.list`). */
export function consentsQueryOptions(client: CokoClient) {
  return queryOptions<Consent[], CokoError>({
    queryKey: cokoKeys.account.consents(),
    queryFn: ({ signal }) => client.account.consents.list({ signal }),
    retry: cokoRetry,
  });
}
