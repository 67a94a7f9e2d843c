-- The domain events outbox (issue 13): one append-only log of what happened to readers — a reading
-- session finished, a book finished, a review written, an order paid… — written by triggers on the
-- source tables in the same transaction as the change, and read in id order by consumers (points,
-- notifications, partner webhooks), each keeping its own cursor. One outbox means every consumer sees
-- the same facts exactly once, and a source written twice emits once (dedupe_key).
-- The source triggers, the dispatcher job and the consumers live in later migrations and in
-- packages/server/src/events/ (docs/CONTRACT-engagement.md §1).

create table private.domain_events (
  id bigint generated always as identity primary key,
  kind text not null
    constraint domain_events_kind_format check (kind ~ '^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$'),
  user_id uuid,
  partner_id uuid,
  subject_id text not null
    constraint domain_events_subject_id_length check (char_length(subject_id) between 1 and 200),
  dedupe_key text not null unique
    constraint domain_events_dedupe_key_length check (char_length(dedupe_key) between 1 and 400),
  payload jsonb not null default '{}'
    constraint domain_events_payload_object check (jsonb_typeof(payload) = 'object'),
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now()
);
comment on table private.domain_events is
  'Outbox of domain events (reading.session_finished, reading.book_finished, review.created, order.paid, user.registered, badge.earned…), written by private.emit_event() in the source''s transaction and read by consumers in id order (private.event_cursors). Not exposed; erased per reader by the anonymiser.';
comment on column private.domain_events.id is 'Position in the log (consumers read after their cursor, in id order).';
comment on column private.domain_events.kind is 'What happened: <domain>.<verb>, e.g. reading.book_finished.';
comment on column private.domain_events.user_id is 'The reader it is about (null for events about no reader). Not a foreign key: the log outlives accounts until the anonymiser erases their events.';
comment on column private.domain_events.partner_id is 'The reader''s partner (profiles.partner_id) when the event happened.';
comment on column private.domain_events.subject_id is 'The row it comes from (session, book, review, order id…).';
comment on column private.domain_events.dedupe_key is 'Unique: the same fact written twice (a retried sync, a re-run trigger) is one event.';
comment on column private.domain_events.payload is 'Facts consumers need without reading the source again (camelCase keys).';
comment on column private.domain_events.occurred_at is 'When it happened (the source''s time).';
comment on column private.domain_events.created_at is 'When it was logged.';
create index domain_events_user_id_idx on private.domain_events (user_id, id);
alter table private.domain_events enable row level security;
revoke all on table private.domain_events from public, anon, authenticated;

create table private.event_cursors (
  consumer text primary key
    constraint event_cursors_consumer_format check (consumer ~ '^[a-z][a-z0-9-]{0,59}$'),
  last_id bigint not null default 0,
  updated_at timestamptz not null default now()
);
comment on table private.event_cursors is
  'Per consumer, the id of the last domain event it processed. A consumer''s work and its cursor move commit together, so each event is handled once per consumer.';
comment on column private.event_cursors.consumer is 'The consumer''s name (gamification, notifications, partner-webhooks).';
comment on column private.event_cursors.last_id is 'The last processed private.domain_events.id.';
comment on column private.event_cursors.updated_at is 'When the cursor last moved.';
alter table private.event_cursors enable row level security;
revoke all on table private.event_cursors from public, anon, authenticated;

create or replace function private.emit_event(
  kind text,
  user_id uuid,
  subject_id text,
  dedupe_key text,
  payload jsonb default '{}',
  occurred_at timestamptz default now()
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  new_id bigint;
begin
  insert into private.domain_events (kind, user_id, partner_id, subject_id, dedupe_key, payload, occurred_at)
  values (
    emit_event.kind,
    emit_event.user_id,
    (select p.partner_id from public.profiles p where p.id = emit_event.user_id),
    emit_event.subject_id,
    emit_event.dedupe_key,
    coalesce(emit_event.payload, '{}'),
    coalesce(emit_event.occurred_at, now())
  )
  on conflict on constraint domain_events_dedupe_key_key do nothing
  returning id into new_id;
  return new_id;
end;
$$;
comment on function private.emit_event(text, uuid, text, text, jsonb, timestamptz) is
  'Logs a domain event once (dedupe_key) with the reader''s partner; returns its id, or null when the same fact was already logged. The only writer of private.domain_events.';
revoke all on function private.emit_event(text, uuid, text, text, jsonb, timestamptz) from public, anon, authenticated;

create or replace function private.erase_domain_events(user_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from private.domain_events e where e.user_id = erase_domain_events.user_id;
$$;
comment on function private.erase_domain_events(uuid) is 'Anonymisation step: deletes the reader''s domain events.';
revoke all on function private.erase_domain_events(uuid) from public, anon, authenticated;

insert into private.account_anonymizers (function_name, position, description)
values ('private.erase_domain_events(uuid)', 400, 'Domain events about the reader (the outbox).')
on conflict do nothing;
