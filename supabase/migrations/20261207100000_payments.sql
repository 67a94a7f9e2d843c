-- Payments: plans and their prices, orders, provider events, subscriptions, entitlements (the right
-- to read), receipts, and the idempotency keys of checkout.
--
-- - Money follows ISO 4217 minor units (see the catalog migration): `amount` is an integer in the
--   currency's minor unit, next to its `currency` code.
-- - Readers read their own orders, subscriptions, entitlements and receipts; admins read all; anon
--   reads active plans and their prices only. Nobody writes these tables through the API, not even
--   the service role: the server's pool (which owns the tables) writes them, and money moves only
--   through the functions below, each one transaction:
--     private.mark_order_paid   order → paid, entitlement granted once, receipt issued once
--     private.mark_order_failed pending → failed | expired
--     private.refund_order      paid → refunded, entitlement revoked, audited
--   Concurrent calls for one order serialise on the order row (select … for update), so ten
--   deliveries of one webhook grant one entitlement and issue one receipt.
-- - Order transitions are enforced by a trigger whatever the writer: pending → paid | failed |
--   expired; failed | expired → paid (the money arrived late: who paid can read); paid → refunded.
--   A late "pending" never downgrades "paid" (refused with 55000).
-- - Receipts are numbered per partner without gaps: the number comes from a counter row updated in
--   the paying transaction, so a rolled-back payment gives its number back. Receipts are immutable,
--   but for one change: account anonymisation erases the buyer's name from the snapshot.
-- - Subscriptions are paid period by period (mobile money has no card on file): a paid plan order
--   starts the reader's subscription to that plan or extends it by one interval from the end of the
--   current period; private.expire_subscriptions() moves ended periods to past_due, then expired
--   (or canceled when cancel_at_period_end). Plan entitlements carry the period they pay for, so the
--   right to read ends with the period without any job.
-- - Audit log: orders (checkout_url left out: it is a bearer link) and entitlements, through
--   private.audit_row_change(); refunds also write an `order.refund` entry with the reason and actor.
-- - Account anonymisation keeps the financial records (accounting) and drops the personal text:
--   buyer name in receipts, return and checkout URLs and failure reasons of orders, raw provider
--   payloads of the reader's orders, order secrets and idempotency keys; open subscriptions are
--   canceled and entitlements revoked.

-- =============================================================================================
-- Enums
-- =============================================================================================
create type public.payment_provider as enum ('sandbox', 'wave', 'orange_money', 'stripe', 'paypal');
comment on type public.payment_provider is
  'Payment providers: sandbox (local, offline), wave, orange_money, stripe, paypal.';

create type public.order_status as enum ('pending', 'paid', 'failed', 'expired', 'refunded');
comment on type public.order_status is
  'Order state: pending → paid | failed | expired; failed | expired → paid (late money); paid → refunded.';

create type public.subscription_status as enum ('pending', 'active', 'past_due', 'canceled', 'expired');
comment on type public.subscription_status is
  'Subscription state: active while a paid period runs; past_due after it ends (grace); expired after the grace; canceled when it ends with cancel_at_period_end or the account goes.';

create type public.plan_interval as enum ('month', 'year');
comment on type public.plan_interval is 'Length of a subscription period.';

-- =============================================================================================
-- Functions: validation (immutable, used by constraints)
-- =============================================================================================
create or replace function private.is_uuid_list(ids uuid[])
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select coalesce(bool_and(id is not null), true) from unnest(ids) as id;
$$;
comment on function private.is_uuid_list(uuid[]) is 'True when no element of the array is null (an empty array is valid).';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.plans (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    constraint plans_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 100),
  name text not null
    constraint plans_name_length check (btrim(name) <> '' and char_length(name) <= 200),
  description text
    constraint plans_description_length check (char_length(description) <= 5000),
  interval public.plan_interval not null,
  category_ids uuid[] not null default '{}'
    constraint plans_category_ids_not_null check (private.is_uuid_list(category_ids)),
  partner_id uuid references private.partners (id) on delete restrict,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.plans is
  'Subscription plans. Everyone sees active plans; admins see all; only the server writes them.';
comment on column public.plans.id is 'Plan id.';
comment on column public.plans.slug is 'Unique URL slug (mensuel, annuel).';
comment on column public.plans.name is 'Display name (1–200 characters).';
comment on column public.plans.description is 'What the plan gives (plain text).';
comment on column public.plans.interval is 'Length of one paid period: month or year.';
comment on column public.plans.category_ids is
  'Categories the plan covers (a book in one of them or in a subcategory); empty = the whole catalog.';
comment on column public.plans.partner_id is 'The only partner whose readers may buy it; null = every partner.';
comment on column public.plans.is_active is 'Whether it is on sale; inactive plans keep their running subscriptions.';
comment on column public.plans.created_at is 'When the row was created.';
comment on column public.plans.updated_at is 'When the row was last changed (maintained by a trigger).';

create index plans_partner_id_idx on public.plans (partner_id);

create table public.plan_prices (
  plan_id uuid not null references public.plans (id) on delete cascade,
  currency text not null
    constraint plan_prices_currency_format check (currency ~ '^[A-Z]{3}$'),
  amount integer not null
    constraint plan_prices_amount_positive check (amount > 0),
  primary key (plan_id, currency)
);
comment on table public.plan_prices is 'Price of a plan per currency. Visible when the plan is; only the server writes them.';
comment on column public.plan_prices.plan_id is 'The plan.';
comment on column public.plan_prices.currency is 'ISO 4217 currency code (XOF, EUR, …).';
comment on column public.plan_prices.amount is 'Price of one period in the currency''s minor unit (2000 XOF; 300 EUR = 3,00 €).';

create table public.orders (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete restrict,
  partner_id uuid references private.partners (id) on delete restrict,
  book_id uuid references public.books (id) on delete restrict,
  plan_id uuid references public.plans (id) on delete restrict,
  amount integer not null
    constraint orders_amount_positive check (amount > 0),
  currency text not null
    constraint orders_currency_format check (currency ~ '^[A-Z]{3}$'),
  provider public.payment_provider not null,
  provider_reference text
    constraint orders_provider_reference_length check (char_length(provider_reference) between 1 and 255),
  status public.order_status not null default 'pending',
  country text
    constraint orders_country_format check (country ~ '^[A-Z]{2}$'),
  idempotency_key text
    constraint orders_idempotency_key_format check (idempotency_key ~ '^[!-~]{1,255}$'),
  return_url text
    constraint orders_return_url_format check (return_url ~ '^https?://[^[:space:]]+$' and char_length(return_url) <= 2000),
  checkout_url text
    constraint orders_checkout_url_length check (char_length(checkout_url) <= 4000),
  failure_reason text
    constraint orders_failure_reason_length check (char_length(failure_reason) <= 1000),
  expires_at timestamptz,
  paid_at timestamptz,
  refunded_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint orders_book_or_plan check (num_nonnulls(book_id, plan_id) = 1),
  constraint orders_provider_reference_key unique (provider, provider_reference),
  constraint orders_idempotency_key_key unique (user_id, idempotency_key),
  constraint orders_paid_has_paid_at check (status not in ('paid', 'refunded') or paid_at is not null),
  constraint orders_refunded_has_refunded_at check ((status = 'refunded') = (refunded_at is not null))
);
comment on table public.orders is
  'Purchases of a book or a plan. Readers see their own; admins see all; only the server writes them, through private.mark_order_paid / mark_order_failed / refund_order. Status transitions are enforced by a trigger.';
comment on column public.orders.id is 'Order id (sent to the provider as the merchant reference).';
comment on column public.orders.user_id is 'The buyer. Orders outlive accounts (anonymised, never deleted).';
comment on column public.orders.partner_id is 'The buyer''s partner when the reader came through one (revenue per partner, receipt numbering).';
comment on column public.orders.book_id is 'The book bought (exactly one of book_id and plan_id).';
comment on column public.orders.plan_id is 'The plan bought, for one period (exactly one of book_id and plan_id).';
comment on column public.orders.amount is 'Price charged, in the currency''s minor unit, taken from the database at checkout.';
comment on column public.orders.currency is 'ISO 4217 currency code of the amount.';
comment on column public.orders.provider is 'Payment provider chosen by the reader.';
comment on column public.orders.provider_reference is 'The provider''s id of the checkout or transaction; unique per provider.';
comment on column public.orders.status is 'pending, paid, failed, expired or refunded (see the order_status type).';
comment on column public.orders.country is 'ISO 3166-1 alpha-2 country the reader bought from (availability, tax).';
comment on column public.orders.idempotency_key is 'The Idempotency-Key of the checkout request; unique per buyer.';
comment on column public.orders.return_url is 'Where the reader lands after paying or declining (http or https). Erased when the account is anonymised.';
comment on column public.orders.checkout_url is 'The provider''s payment page for this order. Erased when the account is anonymised.';
comment on column public.orders.failure_reason is 'Why the payment failed or expired, as the provider or the reconciliation said.';
comment on column public.orders.expires_at is 'When the provider''s checkout stops accepting payment; past it, a pending order is expired.';
comment on column public.orders.paid_at is 'When the payment was confirmed.';
comment on column public.orders.refunded_at is 'When the order was refunded.';
comment on column public.orders.created_at is 'When the checkout started.';
comment on column public.orders.updated_at is 'When the row was last changed (maintained by a trigger).';

create index orders_user_id_created_at_idx on public.orders (user_id, created_at desc, id desc);
create index orders_partner_id_created_at_idx on public.orders (partner_id, created_at desc, id desc);
create index orders_book_id_idx on public.orders (book_id);
create index orders_plan_id_idx on public.orders (plan_id);
-- Reconciliation looks at pending orders only.
create index orders_pending_created_at_idx on public.orders (created_at) where status = 'pending';

create table private.order_secrets (
  order_id uuid primary key references public.orders (id) on delete cascade,
  secret text not null
    constraint order_secrets_secret_length check (char_length(secret) between 1 and 2000),
  created_at timestamptz not null default now()
);
comment on table private.order_secrets is
  'Per-order provider secrets (Orange Money''s notif_token), checked against webhooks. Never exposed.';
comment on column private.order_secrets.order_id is 'The order.';
comment on column private.order_secrets.secret is 'The secret, as the provider issued it.';
comment on column private.order_secrets.created_at is 'When it was stored.';

create table public.payment_events (
  id uuid primary key default gen_random_uuid(),
  provider public.payment_provider not null,
  event_id text not null
    constraint payment_events_event_id_length check (char_length(event_id) between 1 and 255),
  order_id uuid references public.orders (id) on delete set null,
  type text not null
    constraint payment_events_type_length check (char_length(type) between 1 and 200),
  status public.order_status,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  error text
    constraint payment_events_error_length check (char_length(error) <= 2000),
  constraint payment_events_provider_event_id_key unique (provider, event_id)
);
comment on table public.payment_events is
  'Verified provider webhooks, stored once per provider and event id before they are processed. Admins read them; readers never.';
comment on column public.payment_events.id is 'Event row id (the job''s payload).';
comment on column public.payment_events.provider is 'The provider that sent it.';
comment on column public.payment_events.event_id is 'The provider''s event id (deduplication key with provider).';
comment on column public.payment_events.order_id is 'The order it is about, when known.';
comment on column public.payment_events.type is 'The provider''s event type, as sent.';
comment on column public.payment_events.status is 'The order status the event reports; null for an event that moves nothing.';
comment on column public.payment_events.payload is 'The raw parsed body. Replaced by {"redacted": true} when the buyer''s account is anonymised.';
comment on column public.payment_events.received_at is 'When the webhook arrived.';
comment on column public.payment_events.processed_at is 'When the job applied it; null while waiting.';
comment on column public.payment_events.error is 'Why the last processing attempt failed.';

create index payment_events_order_id_idx on public.payment_events (order_id);

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete restrict,
  plan_id uuid not null references public.plans (id) on delete restrict,
  partner_id uuid references private.partners (id) on delete restrict,
  status public.subscription_status not null default 'pending',
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  cancel_at_period_end boolean not null default false,
  canceled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscriptions_period_order check (current_period_end > current_period_start)
);
comment on table public.subscriptions is
  'A reader''s subscription to a plan, paid period by period. Readers see their own; admins see all; only the server writes them.';
comment on column public.subscriptions.id is 'Subscription id.';
comment on column public.subscriptions.user_id is 'The subscriber.';
comment on column public.subscriptions.plan_id is 'The plan.';
comment on column public.subscriptions.partner_id is 'The subscriber''s partner, if any.';
comment on column public.subscriptions.status is 'pending, active, past_due, canceled or expired (see the subscription_status type).';
comment on column public.subscriptions.current_period_start is 'Start of the period paid last (or running).';
comment on column public.subscriptions.current_period_end is 'End of the period paid last; the right to read ends here unless another period is paid.';
comment on column public.subscriptions.cancel_at_period_end is 'True: the subscription becomes canceled when the period ends instead of past_due.';
comment on column public.subscriptions.canceled_at is 'When it was canceled.';
comment on column public.subscriptions.created_at is 'When the first period was paid.';
comment on column public.subscriptions.updated_at is 'When the row was last changed (maintained by a trigger).';

-- One open subscription per reader and plan: a new period extends it.
create unique index subscriptions_one_open_per_plan_idx on public.subscriptions (user_id, plan_id)
  where status in ('pending', 'active', 'past_due');
create index subscriptions_user_id_idx on public.subscriptions (user_id, created_at desc);
create index subscriptions_plan_id_idx on public.subscriptions (plan_id);
create index subscriptions_partner_id_idx on public.subscriptions (partner_id);
create index subscriptions_open_period_end_idx on public.subscriptions (current_period_end)
  where status in ('active', 'past_due');

create table public.entitlements (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete restrict,
  book_id uuid references public.books (id) on delete restrict,
  plan_id uuid references public.plans (id) on delete restrict,
  order_id uuid unique references public.orders (id) on delete restrict,
  subscription_id uuid references public.subscriptions (id) on delete restrict,
  valid_from timestamptz not null,
  valid_until timestamptz,
  revoked_at timestamptz,
  revoke_reason text
    constraint entitlements_revoke_reason_length check (char_length(revoke_reason) <= 1000),
  created_at timestamptz not null default now(),
  constraint entitlements_book_or_plan check (num_nonnulls(book_id, plan_id) = 1),
  constraint entitlements_validity_order check (valid_until is null or valid_until > valid_from),
  constraint entitlements_revoke_reason_when_revoked check (revoke_reason is null or revoked_at is not null)
);
comment on table public.entitlements is
  'The right to read: a book (forever) or a plan (for a paid period), granted by an order. Readers see their own; admins see all; only the server writes them.';
comment on column public.entitlements.id is 'Entitlement id.';
comment on column public.entitlements.user_id is 'The reader.';
comment on column public.entitlements.book_id is 'The book it opens (exactly one of book_id and plan_id).';
comment on column public.entitlements.plan_id is 'The plan whose books it opens (exactly one of book_id and plan_id).';
comment on column public.entitlements.order_id is 'The order that granted it; one entitlement per order.';
comment on column public.entitlements.subscription_id is 'The subscription whose period it pays, for plan entitlements.';
comment on column public.entitlements.valid_from is 'Start of the right.';
comment on column public.entitlements.valid_until is 'End of the right; null = forever (books).';
comment on column public.entitlements.revoked_at is 'When it was revoked (refund, anonymisation); a revoked entitlement opens nothing.';
comment on column public.entitlements.revoke_reason is 'Why it was revoked.';
comment on column public.entitlements.created_at is 'When it was granted.';

create index entitlements_user_id_idx on public.entitlements (user_id, created_at desc);
create index entitlements_user_id_book_id_idx on public.entitlements (user_id, book_id) where book_id is not null;
create index entitlements_book_id_idx on public.entitlements (book_id);
create index entitlements_plan_id_idx on public.entitlements (plan_id);
create index entitlements_subscription_id_idx on public.entitlements (subscription_id);

create table private.receipt_counters (
  id uuid primary key default gen_random_uuid(),
  partner_id uuid references private.partners (id) on delete restrict,
  last_number integer not null
    constraint receipt_counters_last_number_positive check (last_number > 0),
  constraint receipt_counters_partner_id_key unique nulls not distinct (partner_id)
);
comment on table private.receipt_counters is
  'Last receipt number per partner (partner_id null: readers without a partner). Updated in the paying transaction, so numbers have no gaps.';
comment on column private.receipt_counters.id is 'Row id.';
comment on column private.receipt_counters.partner_id is 'The partner; null for Coko''s own readers.';
comment on column private.receipt_counters.last_number is 'The number of the partner''s last receipt.';

create table public.receipts (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null unique references public.orders (id) on delete restrict,
  user_id uuid not null references auth.users (id) on delete restrict,
  partner_id uuid references private.partners (id) on delete restrict,
  number integer not null
    constraint receipts_number_positive check (number > 0),
  issued_at timestamptz not null,
  amount integer not null
    constraint receipts_amount_positive check (amount > 0),
  currency text not null
    constraint receipts_currency_format check (currency ~ '^[A-Z]{3}$'),
  language text not null
    constraint receipts_language_supported check (language in ('fr', 'en')),
  lines jsonb not null
    constraint receipts_lines_shape check (
      jsonb_typeof(lines) = 'object'
      and jsonb_typeof(lines -> 'items') = 'array'
      and jsonb_typeof(lines -> 'buyer') in ('object', 'null')
    ),
  constraint receipts_partner_id_number_key unique nulls not distinct (partner_id, number)
);
comment on table public.receipts is
  'Receipts of paid orders, numbered per partner without gaps and immutable once issued (a trigger refuses changes; anonymisation may only erase the buyer). Readers see their own; admins see all.';
comment on column public.receipts.id is 'Receipt id.';
comment on column public.receipts.order_id is 'The paid order; one receipt per order.';
comment on column public.receipts.user_id is 'The buyer (the order''s user_id, kept here for row level security and listing).';
comment on column public.receipts.partner_id is 'The partner whose numbering it belongs to; null for Coko''s own readers.';
comment on column public.receipts.number is 'Sequential number within the partner, from 1, without gaps.';
comment on column public.receipts.issued_at is 'When it was issued (the payment time).';
comment on column public.receipts.amount is 'Amount paid, in the currency''s minor unit.';
comment on column public.receipts.currency is 'ISO 4217 currency code of the amount.';
comment on column public.receipts.language is 'Language it is written in: fr or en (the buyer''s profile language at issue time).';
comment on column public.receipts.lines is
  'Snapshot at issue time: {"items": [{"label", "amount"}], "buyer": {"name"} | null (null once the account is anonymised), "provider", "providerReference"}.';

create index receipts_user_id_issued_at_idx on public.receipts (user_id, issued_at desc, id desc);

create table private.idempotency_keys (
  scope text not null
    constraint idempotency_keys_scope_format check (scope ~ '^(user|partner):[0-9a-f-]{36}$'),
  key text not null
    constraint idempotency_keys_key_format check (key ~ '^[!-~]{1,255}$'),
  request_hash text not null
    constraint idempotency_keys_request_hash_length check (char_length(request_hash) between 1 and 200),
  response_status integer
    constraint idempotency_keys_response_status_range check (response_status between 100 and 599),
  response_body jsonb,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
comment on table private.idempotency_keys is
  'Idempotency-Key of requests that create something (checkout): the same key and body replay the stored response; another body is refused. Pruned after 24 h.';
comment on column private.idempotency_keys.scope is 'Whose key: user:<uuid> or partner:<uuid>.';
comment on column private.idempotency_keys.key is 'The Idempotency-Key header (1–255 visible ASCII characters).';
comment on column private.idempotency_keys.request_hash is 'Hash of the request (method, path, body) the key was first used with.';
comment on column private.idempotency_keys.response_status is 'HTTP status of the stored response; null while the first request runs.';
comment on column private.idempotency_keys.response_body is 'JSON body of the stored response; null while the first request runs.';
comment on column private.idempotency_keys.created_at is 'When the key was first used.';

create index idempotency_keys_created_at_idx on private.idempotency_keys (created_at);

-- =============================================================================================
-- Functions: triggers
-- =============================================================================================
create or replace function private.orders_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' then
      raise exception using errcode = '55000',
        message = format('an order starts pending, not %s', new.status),
        hint = 'Insert it pending, then call private.mark_order_paid() or private.mark_order_failed().';
    end if;
    return new;
  end if;

  if (new.user_id, new.partner_id, new.book_id, new.plan_id, new.amount, new.currency, new.provider, new.created_at)
     is distinct from
     (old.user_id, old.partner_id, old.book_id, old.plan_id, old.amount, old.currency, old.provider, old.created_at) then
    raise exception using errcode = '55000',
      message = 'what an order sells, to whom and for how much cannot change';
  end if;

  if new.status is distinct from old.status and not (
    (old.status = 'pending' and new.status in ('paid', 'failed', 'expired'))
    or (old.status in ('failed', 'expired') and new.status = 'paid')
    or (old.status = 'paid' and new.status = 'refunded')
  ) then
    raise exception using errcode = '55000',
      message = format('order %s cannot go from %s to %s', old.id, old.status, new.status),
      hint = 'Allowed: pending → paid | failed | expired; failed | expired → paid; paid → refunded.';
  end if;
  return new;
end;
$$;
comment on function private.orders_before_write() is
  'Trigger: an order is inserted pending, never changes what it sells, to whom or for how much, and moves only along the allowed transitions (55000 otherwise).';

create or replace function private.redacted_receipt_lines(lines jsonb)
returns jsonb
language sql
immutable
parallel safe
set search_path = ''
as $$
  select lines || '{"buyer": null}'::jsonb;
$$;
comment on function private.redacted_receipt_lines(jsonb) is
  'A receipt snapshot without the buyer (what account anonymisation leaves).';

create or replace function private.receipts_immutable()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE'
     and (to_jsonb(new) - 'lines') = (to_jsonb(old) - 'lines')
     and new.lines = private.redacted_receipt_lines(old.lines) then
    return new;
  end if;
  raise exception using errcode = '55000',
    message = format('receipt %s is immutable', old.id),
    hint = 'A receipt is never changed or deleted once issued; refunds are recorded on the order.';
end;
$$;
comment on function private.receipts_immutable() is
  'Trigger: refuses every update and delete of a receipt (55000), except erasing the buyer from its lines.';

revoke all on function
  private.orders_before_write(),
  private.receipts_immutable()
from public, anon, authenticated;

-- =============================================================================================
-- Functions: money
-- =============================================================================================
create or replace function private.next_receipt_number(partner uuid)
returns integer
language sql
security definer
set search_path = ''
as $$
  -- The row lock taken here is held until the paying transaction ends: the next payment of the
  -- partner waits, and a rollback gives the number back.
  insert into private.receipt_counters as c (partner_id, last_number)
  values (next_receipt_number.partner, 1)
  on conflict on constraint receipt_counters_partner_id_key
    do update set last_number = c.last_number + 1
  returning c.last_number;
$$;
comment on function private.next_receipt_number(uuid) is
  'Takes the next receipt number of a partner (null: no partner) in the caller''s transaction, locking its counter until the transaction ends.';

create or replace function private.mark_order_paid(order_id uuid, provider_reference text, paid_at timestamptz)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  o public.orders;
  plan public.plans;
  sub public.subscriptions;
  paid timestamptz := coalesce(mark_order_paid.paid_at, now());
  period_start timestamptz;
  period_end timestamptz;
  entitlement_id uuid;
  receipt_id uuid;
  item_label text;
  buyer_name text;
  receipt_language text;
begin
  -- Every caller for this order waits here: only the first one finds it unpaid.
  select * into o from public.orders where id = mark_order_paid.order_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'order not found';
  end if;

  if o.status in ('paid', 'refunded') then
    return jsonb_build_object(
      'orderId', o.id,
      'status', o.status,
      'changed', false,
      'entitlementId', (select e.id from public.entitlements e where e.order_id = o.id),
      'receiptId', (select r.id from public.receipts r where r.order_id = o.id),
      'subscriptionId', (select e.subscription_id from public.entitlements e where e.order_id = o.id)
    );
  end if;

  update public.orders
  set status = 'paid',
      paid_at = paid,
      provider_reference = coalesce(mark_order_paid.provider_reference, o.provider_reference),
      failure_reason = null
  where id = o.id;

  if o.book_id is not null then
    insert into public.entitlements (user_id, book_id, order_id, valid_from)
    values (o.user_id, o.book_id, o.id, paid)
    returning id into entitlement_id;
    select b.title into item_label from public.books b where b.id = o.book_id;
  else
    select * into plan from public.plans p where p.id = o.plan_id;
    -- Another order of the same reader and plan may be creating the subscription right now: the
    -- unique index on open subscriptions lets one insert win, and both then extend that row.
    loop
      select * into sub from public.subscriptions s
      where s.user_id = o.user_id and s.plan_id = o.plan_id and s.status in ('pending', 'active', 'past_due')
      for update;
      exit when found;
      insert into public.subscriptions (user_id, plan_id, partner_id, status, current_period_start, current_period_end)
      values (o.user_id, o.plan_id, o.partner_id, 'pending', paid, paid + interval '1 second')
      on conflict (user_id, plan_id) where status in ('pending', 'active', 'past_due') do nothing;
    end loop;

    -- A running period is extended from its end; a lapsed or new one starts at the payment.
    period_start := case when sub.status = 'active' and sub.current_period_end > paid then sub.current_period_end else paid end;
    period_end := period_start + case plan.interval when 'year' then interval '1 year' else interval '1 month' end;

    update public.subscriptions s
    set status = 'active',
        current_period_start = case when period_start = paid then paid else s.current_period_start end,
        current_period_end = period_end,
        cancel_at_period_end = false,
        canceled_at = null
    where s.id = sub.id;

    insert into public.entitlements (user_id, plan_id, order_id, subscription_id, valid_from, valid_until)
    values (o.user_id, o.plan_id, o.id, sub.id, period_start, period_end)
    returning id into entitlement_id;
    item_label := plan.name;
  end if;

  select p.display_name,
    case when split_part(p.language, '-', 1) in ('fr', 'en') then split_part(p.language, '-', 1) end
  into buyer_name, receipt_language
  from public.profiles p where p.id = o.user_id;
  if receipt_language is null and o.partner_id is not null then
    select case when split_part(pa.default_language, '-', 1) in ('fr', 'en') then split_part(pa.default_language, '-', 1) end
    into receipt_language
    from private.partners pa where pa.id = o.partner_id;
  end if;

  insert into public.receipts (order_id, user_id, partner_id, number, issued_at, amount, currency, language, lines)
  values (
    o.id, o.user_id, o.partner_id, private.next_receipt_number(o.partner_id), paid, o.amount, o.currency,
    coalesce(receipt_language, 'fr'),
    jsonb_build_object(
      'items', jsonb_build_array(jsonb_build_object('label', coalesce(item_label, ''), 'amount', o.amount)),
      'buyer', case when buyer_name is null then null else jsonb_build_object('name', buyer_name) end,
      'provider', o.provider,
      'providerReference', coalesce(mark_order_paid.provider_reference, o.provider_reference)
    )
  )
  returning id into receipt_id;

  return jsonb_build_object(
    'orderId', o.id,
    'status', 'paid',
    'changed', true,
    'entitlementId', entitlement_id,
    'receiptId', receipt_id,
    'subscriptionId', sub.id
  );
end;
$$;
comment on function private.mark_order_paid(uuid, text, timestamptz) is
  'One transaction: order → paid (from pending, failed or expired), entitlement granted (book: forever; plan: one period, subscription started or extended), receipt issued with the partner''s next number. No-op when already paid or refunded ("changed": false). Returns {orderId, status, changed, entitlementId, receiptId, subscriptionId}. Raises P0002 for an unknown order. Safe under concurrent calls.';

create or replace function private.mark_order_failed(order_id uuid, status public.order_status, reason text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if mark_order_failed.status is null or mark_order_failed.status not in ('failed', 'expired') then
    raise exception using errcode = '22023',
      message = format('status must be failed or expired; got %s', coalesce(mark_order_failed.status::text, 'null'));
  end if;
  update public.orders o
  set status = mark_order_failed.status,
      failure_reason = left(mark_order_failed.reason, 1000)
  where o.id = mark_order_failed.order_id and o.status = 'pending';
  return found;
end;
$$;
comment on function private.mark_order_failed(uuid, public.order_status, text) is
  'Moves a pending order to failed or expired with a reason; returns false (nothing to do) when the order is not pending. 22023 for another status.';

create or replace function private.refund_order(order_id uuid, reason text, actor uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  o public.orders;
  remaining_end timestamptz;
  refund_time timestamptz := now();
begin
  if reason is null or btrim(reason) = '' then
    raise exception using errcode = '22023', message = 'a refund needs a reason';
  end if;
  select * into o from public.orders where id = refund_order.order_id for update;
  if not found then
    raise exception using errcode = 'P0002', message = 'order not found';
  end if;
  if o.status = 'refunded' then
    return false;
  end if;
  if o.status <> 'paid' then
    raise exception using errcode = '55000',
      message = format('order %s is %s: only a paid order can be refunded', o.id, o.status);
  end if;

  -- The audit entries of this transaction name the refunding admin.
  if actor is not null then
    perform set_config('coko.actor_id', actor::text, true);
  end if;

  update public.orders set status = 'refunded', refunded_at = refund_time where id = o.id;
  update public.entitlements e
  set revoked_at = refund_time, revoke_reason = left('refund: ' || reason, 1000)
  where e.order_id = o.id and e.revoked_at is null;

  -- A refunded period no longer counts: the subscription ends with its last unrevoked period.
  if o.plan_id is not null then
    select max(e.valid_until) into remaining_end
    from public.entitlements e
    join public.entitlements refunded on refunded.order_id = o.id and refunded.subscription_id = e.subscription_id
    where e.revoked_at is null;
    update public.subscriptions s
    set current_period_end = greatest(remaining_end, s.current_period_start + interval '1 second'),
        status = case when remaining_end is null or remaining_end <= refund_time then 'canceled' else s.status end,
        canceled_at = case when remaining_end is null or remaining_end <= refund_time then refund_time else s.canceled_at end
    from public.entitlements refunded
    where refunded.order_id = o.id and s.id = refunded.subscription_id
      and s.status in ('pending', 'active', 'past_due');
  end if;

  perform private.write_audit('order.refund', 'order', o.id::text, null,
    jsonb_build_object('reason', reason, 'amount', o.amount, 'currency', o.currency));
  return true;
end;
$$;
comment on function private.refund_order(uuid, text, uuid) is
  'paid → refunded: revokes the order''s entitlement (a plan''s subscription ends with its last unrevoked period) and writes an order.refund audit entry by actor. Returns false when already refunded; 55000 when not paid; P0002 when unknown; 22023 without a reason.';

create or replace function private.expire_pending_orders(older_than interval, at timestamptz default now())
returns setof uuid
language sql
security definer
set search_path = ''
as $$
  update public.orders o
  set status = 'expired',
      failure_reason = coalesce(o.failure_reason, 'abandoned: no payment before the deadline')
  where o.status = 'pending'
    and (o.created_at <= at - older_than or o.expires_at <= at)
  returning o.id;
$$;
comment on function private.expire_pending_orders(interval, timestamptz) is
  'Expires the orders pending for longer than older_than, or past their expires_at, as of `at` (default now()); returns their ids. Money arriving later still marks them paid.';

create or replace function private.expire_subscriptions(at timestamptz default now(), grace interval default interval '3 days')
returns table (subscription_id uuid, status public.subscription_status)
language sql
security definer
set search_path = ''
as $$
  update public.subscriptions s
  set status = case
        when s.cancel_at_period_end then 'canceled'
        when s.current_period_end + grace <= at then 'expired'
        else 'past_due'
      end::public.subscription_status,
      canceled_at = case when s.cancel_at_period_end then coalesce(s.canceled_at, at) else s.canceled_at end
  where s.current_period_end <= at
    and (
      s.status = 'active'
      or (s.status = 'past_due' and (s.cancel_at_period_end or s.current_period_end + grace <= at))
    )
  returning s.id, s.status;
$$;
comment on function private.expire_subscriptions(timestamptz, interval) is
  'Moves subscriptions whose period ended by `at`: canceled when cancel_at_period_end, else past_due, then expired once `grace` has passed too. Returns the changed subscriptions and their new status. Called by the subscriptions.renew job; paying a plan order renews.';

create or replace function private.prune_idempotency_keys(older_than interval default interval '24 hours', at timestamptz default now())
returns integer
language sql
security definer
set search_path = ''
as $$
  with pruned as (
    delete from private.idempotency_keys k where k.created_at <= at - older_than returning 1
  )
  select count(*)::integer from pruned;
$$;
comment on function private.prune_idempotency_keys(interval, timestamptz) is
  'Deletes the idempotency keys older than older_than (default 24 h) as of `at`; returns how many.';

-- =============================================================================================
-- Functions: the right to read
-- =============================================================================================
create or replace function private.can_read(user_id uuid, book_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when b.is_free or b.price = 0 then 'free'
    when exists (
      select 1 from public.entitlements e
      where e.user_id = can_read.user_id and e.book_id = b.id
        and e.revoked_at is null and e.valid_from <= now() and (e.valid_until is null or e.valid_until > now())
    ) then 'purchase'
    when exists (
      select 1 from public.entitlements e
      join public.plans p on p.id = e.plan_id
      where e.user_id = can_read.user_id
        and e.revoked_at is null and e.valid_from <= now() and (e.valid_until is null or e.valid_until > now())
        and (cardinality(p.category_ids) = 0 or p.category_ids && b.facet_category_ids)
    ) then 'subscription'
  end
  from public.books b
  where b.id = can_read.book_id and b.is_published;
$$;
comment on function private.can_read(uuid, uuid) is
  'Why a user may read a published book: ''free'', ''purchase'' (an unrevoked book entitlement), ''subscription'' (an unrevoked plan entitlement whose period runs now and whose plan covers one of the book''s categories or the whole catalog), or null. Drafts and unknown books: null. Country is checked by private.book_available_in().';

create or replace function private.book_available_in(book_id uuid, country text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select cardinality(b.available_countries) = 0 or book_available_in.country = any (b.available_countries)
    from public.books b where b.id = book_available_in.book_id
  ), false);
$$;
comment on function private.book_available_in(uuid, text) is
  'True when the book is sold in the country (ISO 3166-1 alpha-2): its available_countries is empty or contains it. False for an unknown book, and for an unknown (null) country when the list is not empty.';

create or replace function private.caller_can_read(book_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.can_read((select auth.uid()), caller_can_read.book_id) is not null;
$$;
comment on function private.caller_can_read(uuid) is
  'Definer body of public.can_read(): private.can_read() for the caller (auth.uid(); anon: free books only).';

create or replace function public.can_read(book_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
  select private.caller_can_read(can_read.book_id);
$$;
comment on function public.can_read(uuid) is
  'True when the signed-in reader may read the published book (free, bought, or covered by a running subscription); for guests, true for free books only. Country availability is not checked here.';

-- =============================================================================================
-- Functions: account anonymisation
-- =============================================================================================
create or replace function private.erase_payment_data(user_id uuid)
returns void
language sql
set search_path = ''
as $$
  update public.receipts r
  set lines = private.redacted_receipt_lines(r.lines)
  where r.user_id = erase_payment_data.user_id and r.lines -> 'buyer' <> 'null'::jsonb;
  update public.payment_events ev
  set payload = '{"redacted": true}'::jsonb
  from public.orders o
  where o.user_id = erase_payment_data.user_id and ev.order_id = o.id
    and ev.payload <> '{"redacted": true}'::jsonb;
  delete from private.order_secrets s
  using public.orders o
  where o.user_id = erase_payment_data.user_id and s.order_id = o.id;
  update public.orders o
  set return_url = null, checkout_url = null, failure_reason = null
  where o.user_id = erase_payment_data.user_id
    and (o.return_url is not null or o.checkout_url is not null or o.failure_reason is not null);
  delete from private.idempotency_keys k where k.scope = 'user:' || erase_payment_data.user_id::text;
  update public.subscriptions s
  set status = 'canceled', canceled_at = coalesce(s.canceled_at, now())
  where s.user_id = erase_payment_data.user_id and s.status in ('pending', 'active', 'past_due');
  update public.entitlements e
  set revoked_at = now(), revoke_reason = 'account anonymised'
  where e.user_id = erase_payment_data.user_id and e.revoked_at is null;
$$;
comment on function private.erase_payment_data(uuid) is
  'Account anonymisation step: keeps orders, receipts, subscriptions and entitlements (accounting) but erases the buyer''s name from receipts, the URLs and failure reasons of orders, raw provider payloads of the reader''s orders, order secrets and idempotency keys; cancels open subscriptions and revokes entitlements.';

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_payment_data(uuid)', 200,
  'Payments: receipts lose the buyer''s name, orders their URLs and failure reasons, provider events their payload; secrets and idempotency keys are deleted; subscriptions canceled, entitlements revoked. Amounts and numbers are kept for accounting.')
on conflict do nothing;

-- =============================================================================================
-- Triggers
-- =============================================================================================
create trigger set_updated_at before update on public.plans
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.orders
  for each row execute function private.set_updated_at();
create trigger set_updated_at before update on public.subscriptions
  for each row execute function private.set_updated_at();

create trigger check_transition before insert or update on public.orders
  for each row execute function private.orders_before_write();

create trigger immutable before update or delete on public.receipts
  for each row execute function private.receipts_immutable();

create trigger audit after insert or update or delete on public.orders
  for each row execute function private.audit_row_change('order', 'id', 'checkout_url');
create trigger audit after insert or update or delete on public.entitlements
  for each row execute function private.audit_row_change('entitlement', 'id');

-- =============================================================================================
-- Row level security
-- =============================================================================================
alter table public.plans enable row level security;
alter table public.plan_prices enable row level security;
alter table public.orders enable row level security;
alter table private.order_secrets enable row level security;
alter table public.payment_events enable row level security;
alter table public.subscriptions enable row level security;
alter table public.entitlements enable row level security;
alter table private.receipt_counters enable row level security;
alter table public.receipts enable row level security;
alter table private.idempotency_keys enable row level security;

create policy "Everyone can see active plans and admins can see every plan"
  on public.plans for select
  to anon, authenticated
  using (is_active or (select private.has_role('admin')));

-- "Visible when the plan is": the subquery is itself filtered by the plans policy above.
create policy "Plan prices are visible when their plan is"
  on public.plan_prices for select
  to anon, authenticated
  using (exists (select 1 from public.plans p where p.id = plan_id));

create policy "Readers can see their own orders and admins can see every order"
  on public.orders for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.has_role('admin')));

create policy "Admins can see payment events"
  on public.payment_events for select
  to authenticated
  using ((select private.has_role('admin')));

create policy "Readers can see their own subscriptions and admins can see every subscription"
  on public.subscriptions for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.has_role('admin')));

create policy "Readers can see their own entitlements and admins can see every entitlement"
  on public.entitlements for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.has_role('admin')));

create policy "Readers can see their own receipts and admins can see every receipt"
  on public.receipts for select
  to authenticated
  using (user_id = (select auth.uid()) or (select private.has_role('admin')));

-- No insert, update or delete policies: the server's pool (the owner) writes these tables.

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table
  public.plans, public.plan_prices, public.orders, public.payment_events,
  public.subscriptions, public.entitlements, public.receipts
from public, anon, authenticated, service_role;
revoke all on table
  private.order_secrets, private.receipt_counters, private.idempotency_keys
from public, anon, authenticated, service_role;

grant select on table public.plans, public.plan_prices to anon, authenticated;
grant select on table
  public.orders, public.payment_events, public.subscriptions, public.entitlements, public.receipts
to authenticated;
-- The service role (Studio, scripts) reads everything and writes nothing: money moves only through
-- the functions below, called by the server.
grant select on table
  public.plans, public.plan_prices, public.orders, public.payment_events,
  public.subscriptions, public.entitlements, public.receipts
to service_role;

-- Helpers that constraints and policies evaluate as the API roles.
revoke all on function private.is_uuid_list(uuid[]), private.redacted_receipt_lines(jsonb) from public;
grant execute on function private.is_uuid_list(uuid[]) to anon, authenticated, service_role;

-- The RPC runs as the caller, so the caller needs its private body (reachable only through it).
revoke all on function private.caller_can_read(uuid), public.can_read(uuid) from public;
grant execute on function private.caller_can_read(uuid), public.can_read(uuid) to anon, authenticated, service_role;

-- Server-only functions (the server's pool owns them; nothing is granted to the API roles).
revoke all on function
  private.next_receipt_number(uuid),
  private.mark_order_paid(uuid, text, timestamptz),
  private.mark_order_failed(uuid, public.order_status, text),
  private.refund_order(uuid, text, uuid),
  private.expire_pending_orders(interval, timestamptz),
  private.expire_subscriptions(timestamptz, interval),
  private.prune_idempotency_keys(interval, timestamptz),
  private.can_read(uuid, uuid),
  private.book_available_in(uuid, text),
  private.erase_payment_data(uuid)
from public, anon, authenticated;

-- =============================================================================================
-- Permissions
-- =============================================================================================
insert into public.role_permissions (role, permission) values ('admin', 'payments:*')
on conflict do nothing;
