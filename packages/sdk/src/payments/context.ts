import { idSchema } from '../catalog/schemas';
import type { Transport } from '../core/transport';
import { validate } from '../core/validate';

/** What the payments namespace uses of the transport: PostgREST (`can_read`) and the Coko API. */
export type PaymentsContext = Pick<Transport, 'rest' | 'api'>;

/** Validates an id argument before any request. */
export const checkId = (id: unknown, name: string): string => validate(idSchema, id, name);
