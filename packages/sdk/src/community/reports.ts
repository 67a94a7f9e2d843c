// The reports sub-namespace's implementation, loaded on first use (see ./index.ts). Reports go to
// PostgREST as the reader: the database refuses one's own content, content one cannot see, a second
// report and more than the per-minute limit (docs/CONTRACT-community.md §3).
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import { reportInputSchema } from './moderation-schemas';
import type { Report, ReportInput } from './moderation-types';
import { requireSignedIn } from './signed-in';

/** What reports use of the transport: PostgREST and the session. */
export type ReportsContext = Pick<Transport, 'rest' | 'session'>;

const COLUMNS = 'id,target_type,target_id,reason,note,status,created_at,resolved_at';

interface ReportRow {
  id: string;
  target_type: string;
  target_id: string;
  reason: string;
  note: string | null;
  status: string;
  created_at: string;
  resolved_at: string | null;
}

const toReport = (row: ReportRow): Report => ({
  id: row.id,
  targetType: row.target_type as Report['targetType'],
  targetId: row.target_id,
  reason: row.reason as Report['reason'],
  note: row.note,
  status: row.status as Report['status'],
  createdAt: row.created_at,
  resolvedAt: row.resolved_at,
});

/** Implementation of `community.reports.create()`. */
export async function create(ctx: ReportsContext, input: ReportInput, options?: RequestOptions): Promise<Report> {
  const report = validate(reportInputSchema, input, 'input');
  await requireSignedIn(ctx, 'report content');
  let query = ctx.rest
    .from('community_reports')
    .insert({
      target_type: report.targetType,
      target_id: report.targetId,
      reason: report.reason,
      note: report.note ?? null,
    })
    .select(COLUMNS);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.single().throwOnError();
  return toReport(data as ReportRow);
}

/** Implementation of `community.reports.mine()`. */
export async function mine(ctx: ReportsContext, options?: RequestOptions): Promise<Report[]> {
  const me = await requireSignedIn(ctx, 'see your reports');
  let query = ctx.rest
    .from('community_reports')
    .select(COLUMNS)
    .eq('reporter_id', me)
    .order('created_at', { ascending: false })
    .limit(100);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  return ((data ?? []) as ReportRow[]).map(toReport);
}
