import { it } from 'vitest';
import { adminQuery } from './helpers.js';
it('explain at scale', async () => {
  await adminQuery(`alter table auth.users disable trigger user`).catch(() => undefined);
  await adminQuery(`insert into auth.users (instance_id, id, aud, role, email, created_at, updated_at)
    select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', 'u' || g || '@x.test', now(), now()
    from generate_series(1, 100000) g`);
  await adminQuery(`insert into private.partners (name, slug) select 'P' || g, 'p-' || g from generate_series(1, 20) g`);
  await adminQuery(`insert into public.profiles (id, partner_id) select u.id, (select id from private.partners order by random() limit 1)
    from auth.users u where not exists (select 1 from public.profiles p where p.id = u.id)`).catch(async (e) => { console.log('profiles', e.message); });
  await adminQuery(`insert into public.books (title, language, status, format, price, currency, published_at)
    select 'B' || g, 'fr', 'published', 'epub', 1000, 'XOF', now() from generate_series(1, 100000) g`);
  await adminQuery(`insert into public.orders (user_id, book_id, amount, currency, provider, status, paid_at)
    select u.id, b.id, 1000, 'XOF', (array['wave','orange_money','stripe']::public.payment_provider[])[1 + (random()*2)::int], 'pending', null
    from (select id, row_number() over () n from auth.users limit 100000) u join (select id, row_number() over () n from public.books) b on b.n = u.n`);
  await adminQuery(`update public.orders set status = 'paid', paid_at = now() - random() * interval '60 days' where random() < 0.7`).catch((e) => console.log('paid', e.message));
  await adminQuery(`insert into private.reader_activity select id, now() - random() * interval '90 days' from auth.users on conflict do nothing`);
  await adminQuery(`insert into private.download_days select current_date - g, 1000 from generate_series(0, 1000) g`);
  await adminQuery(`vacuum analyze public.profiles`); await adminQuery(`vacuum analyze public.orders`); await adminQuery(`vacuum analyze private.reader_activity`);
  const rows = await adminQuery<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) select * from private.business_metrics()`);
  console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
  await adminQuery(`load 'auto_explain'`).catch(() => undefined);
  await adminQuery(`set auto_explain.log_min_duration = 0`).catch(() => undefined);
  const t = Date.now();
  for (let i = 0; i < 5; i++) await adminQuery(`select * from private.business_metrics()`);
  console.log('avg ms', (Date.now() - t) / 5);
  const inner = await adminQuery<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ` + (await adminQuery<{ src: string }>(`select prosrc as src from pg_proc where proname = 'business_metrics'`))[0]!.src.replace(/;\s*$/, ''));
  console.log(inner.map((r) => r['QUERY PLAN']).join('\n'));
}, 600_000);
