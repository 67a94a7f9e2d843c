import { accountExporter } from './account.ts';
import { activityExporter } from './activity.ts';
<<<<<<< HEAD
import { communityReviewsExporter } from './community-reviews.ts';
=======
import { communityGroupsExporter } from './community-groups.ts';
>>>>>>> groups
import { paymentsExporter } from './payments.ts';
import { readingExporter } from './reading.ts';
import { exportRegistry } from './registry.ts';

export { accountExporter } from './account.ts';
export { activityExporter } from './activity.ts';
<<<<<<< HEAD
export { communityReviewsExporter } from './community-reviews.ts';
=======
export { communityGroupsExporter } from './community-groups.ts';
>>>>>>> groups
export { paymentsExporter } from './payments.ts';
export { readingExporter } from './reading.ts';
export { type Exporter, ExportRegistry, exportRegistry, registerExporter, type UserExport } from './registry.ts';

// Built-in sections. Other domains register theirs from their own modules (see registry.ts).
exportRegistry
  .register(accountExporter)
  .register(activityExporter)
  .register(readingExporter)
  .register(paymentsExporter)
<<<<<<< HEAD
  .register(communityReviewsExporter);
=======
  .register(communityGroupsExporter);
>>>>>>> groups
