import { crud } from './crud';
import { publisherInputSchema } from './schemas';
import type { AdminListParams, AdminPublisher, AdminPublisherInput } from './types';

const methods = crud<AdminPublisher, AdminPublisherInput, AdminListParams>('publishers', publisherInputSchema);

/** Implementations of `admin.publishers.*` (`/v1/admin/publishers`). */
export const { create, update, get, list } = methods;
const remove = methods.delete;

export { remove as delete };
