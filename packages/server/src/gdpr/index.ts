import { accountExporter } from './account.ts';
import { activityExporter } from './activity.ts';
import { communityGroupsExporter } from './community-groups.ts';
import { communityModerationExporter } from './community-moderation.ts';
import { communityReviewsExporter } from './community-reviews.ts';
import { engagementExporter } from './engagement.ts';
import { eventsExporter } from './events.ts';
import { notificationsExporter } from './notifications.ts';
import { paymentsExporter } from './payments.ts';
import { readingExporter } from './reading.ts';
import { exportRegistry } from './registry.ts';
import { uploadsExporter } from './uploads.ts';

export { accountExporter } from './account.ts';
export { activityExporter } from './activity.ts';
export { communityGroupsExporter } from './community-groups.ts';
export { communityModerationExporter } from './community-moderation.ts';
export { communityReviewsExporter } from './community-reviews.ts';
export { engagementExporter } from './engagement.ts';
export { eventsExporter } from './events.ts';
export { notificationsExporter } from './notifications.ts';
export { paymentsExporter } from './payments.ts';
export { readingExporter } from './reading.ts';
export { type Exporter, ExportRegistry, exportRegistry, registerExporter, type UserExport } from './registry.ts';
export { uploadsExporter } from './uploads.ts';

// Built-in sections. Other domains register theirs from their own modules (see registry.ts).
exportRegistry
  .register(accountExporter)
  .register(activityExporter)
  .register(readingExporter)
  .register(paymentsExporter)
  .register(communityReviewsExporter)
  .register(uploadsExporter)
  .register(communityGroupsExporter)
  .register(communityModerationExporter)
  .register(eventsExporter)
  .register(engagementExporter)
  .register(notificationsExporter);
