-- Notifications (issue 13 §2, docs/CONTRACT-engagement.md §3): the reader's in-app inbox, their push devices,
-- and the delivery record of every email, push and SMS.
--
-- - public.notifications: one row per thing worth telling a reader (welcome, receipt, badge earned…), written by
--   the `notifications` event consumer from private.domain_events. Readers read theirs, mark them read and delete
--   them; nobody else writes. Rows hidden from the inbox (the reader turned in-app off for that kind) still carry
--   the deliveries of the other channels.
-- - public.push_devices: FCM device tokens per reader (registered through public.register_push_device so a device
--   that changes hands follows its new reader); pruned when FCM answers UNREGISTERED.
-- - private.notification_deliveries: one row per notification and channel — the idempotency record of the
--   `notifications.deliver` job: a retried or redelivered job never sends twice.
-- - private.dev_outbox: what the local channel adapters would have sent (coko dev, tests), listed by
--   GET /functions/v1/api/dev/outbox outside production.
-- - profiles.preferences.notifications grows per-kind switches, an in-app switch, quiet hours and a time zone, and
--   preferences gains `leaderboards`; every document valid before stays valid.

-- =============================================================================================
-- Preferences shape (backwards compatible)
-- =============================================================================================
create or replace function private.is_valid_notification_switches(switches jsonb, required boolean)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select jsonb_typeof(switches) = 'object'
    and not exists (
      select 1 from jsonb_each(switches) as s(k, v)
       where s.k not in ('email', 'push', 'sms', 'inApp') or jsonb_typeof(s.v) <> 'boolean'
    )
    and (not required or switches ?& array['email', 'push', 'sms']);
$$;
comment on function private.is_valid_notification_switches(jsonb, boolean) is
  'Channel switches {email?, push?, sms?, inApp?: boolean}; with required = true, email, push and sms must be present.';

create or replace function private.is_valid_preferences(preferences jsonb)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select jsonb_typeof(preferences) = 'object'
    and preferences ?& array['fontSize', 'notifications', 'theme']
    and not exists (
      select 1 from jsonb_object_keys(preferences) as k
       where k not in ('fontSize', 'notifications', 'theme', 'leaderboards')
    )
    and preferences ->> 'theme' in ('light', 'dark', 'system')
    and jsonb_typeof(preferences -> 'fontSize') = 'number'
    and (preferences ->> 'fontSize')::numeric between 8 and 48
    and (preferences ->> 'fontSize')::numeric = trunc((preferences ->> 'fontSize')::numeric)
    and coalesce(jsonb_typeof(preferences -> 'leaderboards') = 'boolean', true)
    and jsonb_typeof(preferences -> 'notifications') = 'object'
    and not exists (
      select 1 from jsonb_object_keys(preferences -> 'notifications') as k
       where k not in ('email', 'push', 'sms', 'inApp', 'kinds', 'quietHours', 'timeZone')
    )
    and private.is_valid_notification_switches(
      (preferences -> 'notifications') - 'kinds' - 'quietHours' - 'timeZone', true)
    and case
      when not (preferences -> 'notifications' ? 'kinds') then true
      when jsonb_typeof(preferences -> 'notifications' -> 'kinds') <> 'object' then false
      else not exists (
        select 1 from jsonb_each(preferences -> 'notifications' -> 'kinds') as s(k, v)
         where s.k not in ('welcome', 'receipt', 'badge_earned', 'challenge_completed', 'post_reply',
                           'group_invitation', 'subscription_expiring')
            or not private.is_valid_notification_switches(s.v, false)
      )
    end
    and case
      when not (preferences -> 'notifications' ? 'quietHours') then true
      when jsonb_typeof(preferences -> 'notifications' -> 'quietHours') = 'null' then true
      when jsonb_typeof(preferences -> 'notifications' -> 'quietHours') <> 'object' then false
      else (select array_agg(k order by k) from jsonb_object_keys(preferences -> 'notifications' -> 'quietHours') as k)
             = array['end', 'start']
        and coalesce(preferences -> 'notifications' -> 'quietHours' ->> 'start' ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$', false)
        and coalesce(preferences -> 'notifications' -> 'quietHours' ->> 'end' ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$', false)
    end
    and case
      when not (preferences -> 'notifications' ? 'timeZone') then true
      else jsonb_typeof(preferences -> 'notifications' -> 'timeZone') = 'string'
        -- The IANA name's shape (the function is immutable, so it cannot look the zone up); an unknown zone is read as UTC.
        and preferences -> 'notifications' ->> 'timeZone' ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$'
        and char_length(preferences -> 'notifications' ->> 'timeZone') <= 64
    end;
$$;
comment on function private.is_valid_preferences(jsonb) is
  'Shape of profiles.preferences: {theme: light|dark|system, fontSize: integer 8..48, leaderboards?: boolean, notifications: {email, push, sms: boolean, inApp?: boolean, kinds?: {<kind>: {email?, push?, sms?, inApp?}}, quietHours?: {start, end: "HH:MM"} | null, timeZone?: IANA name}}. Documents of the first shape stay valid.';
comment on column public.profiles.preferences is
  'Reader preferences: {"theme": "light"|"dark"|"system", "fontSize": 8..48, "leaderboards": bool (optional, default true: shown on public leaderboards), "notifications": {"email", "push", "sms": bool, "inApp": bool (optional, default true), "kinds": {<kind>: {channel: bool}} (optional overrides per kind), "quietHours": {"start": "HH:MM", "end": "HH:MM"} | null (push and SMS wait until the end), "timeZone": IANA name (optional, default UTC)}}.';

-- =============================================================================================
-- Tables
-- =============================================================================================
create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  kind text not null
    constraint notifications_kind_known check (kind in ('welcome', 'receipt', 'badge_earned', 'challenge_completed',
                                                        'post_reply', 'group_invitation', 'subscription_expiring')),
  title text not null constraint notifications_title_length check (char_length(title) between 1 and 200),
  body text not null constraint notifications_body_length check (char_length(body) <= 2000),
  data jsonb not null default '{}' constraint notifications_data_object check (jsonb_typeof(data) = 'object'),
  event_id bigint unique,
  in_app boolean not null default true,
  read_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.notifications is
  'Notifications of readers (the in-app inbox), written by the notifications event consumer. Readers read their own (in_app rows), mark them read and delete them; unread count: public.unread_notifications_count().';
comment on column public.notifications.id is 'Notification id.';
comment on column public.notifications.user_id is 'The reader it is for.';
comment on column public.notifications.kind is 'welcome, receipt, badge_earned, challenge_completed, post_reply, group_invitation or subscription_expiring.';
comment on column public.notifications.title is 'Title in the reader''s language (rendered when created).';
comment on column public.notifications.body is 'Text in the reader''s language.';
comment on column public.notifications.data is 'What the notification is about, for the app to link to (camelCase ids: bookId, orderId, badgeId, threadId…).';
comment on column public.notifications.event_id is 'The domain event it comes from (private.domain_events.id): one notification per event.';
comment on column public.notifications.in_app is 'Shown in the inbox (false when the reader turned in-app off for this kind: the row only carries the other channels'' deliveries).';
comment on column public.notifications.read_at is 'When the reader marked it read (null = unread).';
comment on column public.notifications.created_at is 'When it was created.';
create index notifications_inbox_idx on public.notifications (user_id, created_at desc, id desc) where in_app;
create index notifications_unread_idx on public.notifications (user_id) where in_app and read_at is null;

create table public.push_devices (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  token text not null unique constraint push_devices_token_length check (char_length(token) between 1 and 4096),
  platform text not null constraint push_devices_platform_known check (platform in ('android', 'ios', 'web')),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
comment on table public.push_devices is
  'Push (FCM) device tokens of readers: registered with public.register_push_device(), read and removed by their reader; pruned when FCM says the token is no longer registered.';
comment on column public.push_devices.id is 'Device row id.';
comment on column public.push_devices.user_id is 'The reader signed in on the device.';
comment on column public.push_devices.token is 'The FCM registration token (unique: a device belongs to one reader at a time).';
comment on column public.push_devices.platform is 'android, ios or web.';
comment on column public.push_devices.created_at is 'When the token was first registered.';
comment on column public.push_devices.last_seen_at is 'When the app last registered it (apps register on every start).';
create index push_devices_user_id_idx on public.push_devices (user_id);

create table private.notification_deliveries (
  id bigint generated always as identity primary key,
  notification_id uuid not null references public.notifications (id) on delete cascade,
  channel text not null constraint notification_deliveries_channel_known check (channel in ('email', 'push', 'sms')),
  status text not null default 'queued'
    constraint notification_deliveries_status_known check (status in ('queued', 'sent', 'failed', 'skipped')),
  provider_message_id text,
  sent_to text[] not null default '{}',
  attempts integer not null default 0,
  last_error text,
  send_after timestamptz not null default now(),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (notification_id, channel)
);
comment on table private.notification_deliveries is
  'One row per notification and channel: the idempotency record of the notifications.deliver job (a delivery leaves queued once, under a row lock, so a retried job never sends twice). Not exposed.';
comment on column private.notification_deliveries.id is 'Delivery id (the job''s deliveryId).';
comment on column private.notification_deliveries.notification_id is 'The notification delivered.';
comment on column private.notification_deliveries.channel is 'email, push or sms.';
comment on column private.notification_deliveries.status is 'queued (waiting or retrying), sent, failed (permanent error or retries exhausted), skipped (nothing to send to any more, or the reader turned the channel off meanwhile).';
comment on column private.notification_deliveries.provider_message_id is 'The provider''s id of the (last) message sent.';
comment on column private.notification_deliveries.sent_to is 'Recipients already sent to (push: device tokens), so a retry after a partial send skips them.';
comment on column private.notification_deliveries.attempts is 'Send attempts so far.';
comment on column private.notification_deliveries.last_error is 'The last error (provider''s message), for operators.';
comment on column private.notification_deliveries.send_after is 'Not before: the end of the reader''s quiet hours, or the creation time.';
comment on column private.notification_deliveries.created_at is 'When it was queued.';
comment on column private.notification_deliveries.sent_at is 'When the provider accepted it.';
alter table private.notification_deliveries enable row level security;

create table private.dev_outbox (
  id bigint generated always as identity primary key,
  channel text not null constraint dev_outbox_channel_known check (channel in ('email', 'push', 'sms')),
  recipient text not null,
  subject text,
  body text not null,
  html text,
  data jsonb not null default '{}',
  unsubscribe_url text,
  idempotency_key text not null unique,
  created_at timestamptz not null default now()
);
comment on table private.dev_outbox is
  'What the local channel adapters (coko dev, tests) would have sent, listed by GET /functions/v1/api/dev/outbox outside production. Holds no rows in production.';
comment on column private.dev_outbox.id is 'Message id (the local provider message id).';
comment on column private.dev_outbox.channel is 'email, push or sms.';
comment on column private.dev_outbox.recipient is 'Email address, device token or E.164 phone number.';
comment on column private.dev_outbox.subject is 'Email subject or push title.';
comment on column private.dev_outbox.body is 'Plain text.';
comment on column private.dev_outbox.html is 'Email HTML.';
comment on column private.dev_outbox.data is 'Push data.';
comment on column private.dev_outbox.unsubscribe_url is 'The email''s unsubscribe link.';
comment on column private.dev_outbox.idempotency_key is 'The sender''s key: the same message written twice is one row.';
comment on column private.dev_outbox.created_at is 'When it was "sent".';
alter table private.dev_outbox enable row level security;

-- =============================================================================================
-- Functions
-- =============================================================================================
create or replace function public.unread_notifications_count()
returns integer
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*)::integer from public.notifications n
   where n.user_id = (select auth.uid()) and n.in_app and n.read_at is null;
$$;
comment on function public.unread_notifications_count() is 'The caller''s unread in-app notifications.';

create or replace function private.register_push_device(token text, platform text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  device_id uuid;
begin
  if caller is null then
    raise exception 'sign in to register a device' using errcode = '42501';
  end if;
  -- A token belongs to the device's current reader: signing in as someone else moves it (the row may be another
  -- reader's, which the caller may neither see nor update: hence definer).
  insert into public.push_devices as d (user_id, token, platform)
  values (caller, register_push_device.token, register_push_device.platform)
  on conflict on constraint push_devices_token_key do update
    set user_id = excluded.user_id, platform = excluded.platform, last_seen_at = now()
  returning d.id into device_id;
  return device_id;
end;
$$;
comment on function private.register_push_device(text, text) is
  'Body of public.register_push_device (definer: the token may be registered to another reader, whose row the caller cannot touch).';

create or replace function public.register_push_device(token text, platform text)
returns uuid
language sql
volatile
security invoker
set search_path = ''
as $$
  select private.register_push_device(register_push_device.token, register_push_device.platform);
$$;
comment on function public.register_push_device(text, text) is
  'Registers the caller''s device token (android|ios|web), or moves it to the caller, and refreshes last_seen_at. Returns the device row id.';

create or replace function private.unsubscribe_notification_email(user_id uuid, kind text)
returns boolean
language sql
security definer
set search_path = ''
as $$
  update public.profiles p
     set preferences = jsonb_set(
           jsonb_set(p.preferences, '{notifications,kinds}', coalesce(p.preferences #> '{notifications,kinds}', '{}'), true),
           array['notifications', 'kinds', unsubscribe_notification_email.kind],
           coalesce(p.preferences #> array['notifications', 'kinds', unsubscribe_notification_email.kind], '{}')
             || '{"email": false}',
           true)
   where p.id = unsubscribe_notification_email.user_id
  returning true;
$$;
comment on function private.unsubscribe_notification_email(uuid, text) is
  'The unsubscribe link''s effect: turns email off for one kind of notification in the reader''s preferences. Returns null when the reader is gone.';

create or replace function private.erase_notifications(user_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from public.notifications n where n.user_id = erase_notifications.user_id;
  delete from public.push_devices d where d.user_id = erase_notifications.user_id;
$$;
comment on function private.erase_notifications(uuid) is
  'Anonymisation step: deletes the reader''s notifications (and so their deliveries) and push devices.';

-- =============================================================================================
-- Row level security
-- =============================================================================================
alter table public.notifications enable row level security;
alter table public.push_devices enable row level security;

create policy "Readers read their own inbox"
  on public.notifications for select to authenticated
  using (user_id = (select auth.uid()) and in_app);
create policy "Readers mark their own notifications read"
  on public.notifications for update to authenticated
  using (user_id = (select auth.uid()) and in_app)
  with check (user_id = (select auth.uid()) and in_app);
create policy "Readers delete their own notifications"
  on public.notifications for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "Readers see their own devices"
  on public.push_devices for select to authenticated
  using (user_id = (select auth.uid()));
create policy "Readers remove their own devices"
  on public.push_devices for delete to authenticated
  using (user_id = (select auth.uid()));

-- =============================================================================================
-- Grants
-- =============================================================================================
revoke all on table public.notifications, public.push_devices from public, anon, authenticated;
revoke all on table private.notification_deliveries, private.dev_outbox from public, anon, authenticated;
grant select, delete on table public.notifications to authenticated;
grant update (read_at) on table public.notifications to authenticated;
grant select, delete on table public.push_devices to authenticated;
grant all on table public.notifications, public.push_devices to service_role;

revoke all on function
  private.is_valid_notification_switches(jsonb, boolean),
  public.unread_notifications_count(),
  public.register_push_device(text, text),
  private.register_push_device(text, text),
  private.unsubscribe_notification_email(uuid, text),
  private.erase_notifications(uuid)
from public, anon, authenticated;
-- The preferences check runs as whoever writes a profile.
grant execute on function private.is_valid_notification_switches(jsonb, boolean) to anon, authenticated, service_role;
grant execute on function public.unread_notifications_count(), public.register_push_device(text, text),
  private.register_push_device(text, text)
  to authenticated, service_role;
grant execute on function private.erase_notifications(uuid) to service_role;

-- =============================================================================================
-- Registrations: account anonymisation
-- =============================================================================================
insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_notifications(uuid)', 410, 'Notifications (with their deliveries) and push devices of the reader.')
on conflict do nothing;
