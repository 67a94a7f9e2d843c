// The share-links sub-namespace's implementation, loaded on first use (see ./index.ts). Links are rows
// the reader owns (PostgREST); the preview is the public API route, the same one crawlers read.
import type { RequestOptions, Transport } from '../core/transport';
import { validate } from '../core/validate';
import { shareCodeSchema, shareInputSchema } from './moderation-schemas';
import type { ShareKind, ShareLink, SharePreview } from './moderation-types';
import { requireSignedIn } from './signed-in';

/** What shares use of the transport: PostgREST, the API and the session. */
export type SharesContext = Pick<Transport, 'rest' | 'api' | 'session'>;

const COLUMNS = 'id,code,kind,target_id,excerpt,created_at,revoked_at';

interface ShareRow {
  id: string;
  code: string;
  kind: string;
  target_id: string;
  excerpt: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** The public preview URL of a code: the API next to the data API (`…/rest/v1` → `…/functions/v1/api`). */
const previewUrl = (ctx: SharesContext, code: string): string =>
  `${ctx.rest.url.replace(/\/rest\/v1\/?$/, '')}/functions/v1/api/v1/share/${encodeURIComponent(code)}`;

const toLink = (ctx: SharesContext, row: ShareRow): ShareLink => ({
  id: row.id,
  code: row.code,
  kind: row.kind as ShareKind,
  targetId: row.target_id,
  excerpt: row.excerpt,
  url: previewUrl(ctx, row.code),
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

/** Implementation of `community.shares.create()`. */
export async function create(
  ctx: SharesContext,
  input: { kind: ShareKind; targetId: string },
  options?: RequestOptions,
): Promise<ShareLink> {
  const { kind, targetId } = validate(shareInputSchema, input, 'input');
  await requireSignedIn(ctx, 'share');
  let query = ctx.rest.from('share_links').insert({ kind, target_id: targetId }).select(COLUMNS);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.single().throwOnError();
  return toLink(ctx, data as ShareRow);
}

/** Implementation of `community.shares.revoke()`. */
export async function revoke(ctx: SharesContext, code: string, options?: RequestOptions): Promise<void> {
  const checked = validate(shareCodeSchema, code, 'code');
  const me = await requireSignedIn(ctx, 'revoke a share link');
  let query = ctx.rest
    .from('share_links')
    .update({ revoked_at: new Date().toISOString() })
    .eq('code', checked)
    .eq('created_by', me)
    .is('revoked_at', null);
  if (options?.signal) query = query.abortSignal(options.signal);
  await query.throwOnError();
}

/** Implementation of `community.shares.mine()`. */
export async function mine(ctx: SharesContext, options?: RequestOptions): Promise<ShareLink[]> {
  const me = await requireSignedIn(ctx, 'see your share links');
  let query = ctx.rest
    .from('share_links')
    .select(COLUMNS)
    .eq('created_by', me)
    .order('created_at', { ascending: false })
    .limit(100);
  if (options?.signal) query = query.abortSignal(options.signal);
  const { data } = await query.throwOnError();
  return ((data ?? []) as ShareRow[]).map((row) => toLink(ctx, row));
}

/** Implementation of `community.shares.preview()`. */
export async function preview(ctx: SharesContext, code: string, options?: RequestOptions): Promise<SharePreview> {
  const checked = validate(shareCodeSchema, code, 'code');
  const response = await ctx.api(`v1/share/${encodeURIComponent(checked)}`, { ...options });
  return (await response.json()) as SharePreview;
}
