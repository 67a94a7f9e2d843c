import { useMarkRead, useNotifications, useUnreadCount } from '@coko/react';
import type { SignedInReader } from './session';
import { signInHref } from './use-hash-route';

const dateFormat = new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeStyle: 'short' });

/** The unread count beside the inbox link (refreshed every minute by the hook). */
export function UnreadBadge() {
  const { data: unread } = useUnreadCount();
  if (!unread) return null;
  return (
    <span className="unread-badge">
      {unread > 99 ? '99+' : unread}
      <span className="visually-hidden"> non lue{unread > 1 ? 's' : ''}</span>
    </span>
  );
}

/** The reader's notifications, newest first: opening the page does not mark them read, a button does. */
export function InboxPage({ reader }: { reader: SignedInReader | null }) {
  const inbox = useNotifications({}, { enabled: reader !== null });
  // Opening the inbox refetches the count (the app keeps queries fresh for a minute), so the header's
  // badge catches up now rather than at its next one-minute poll.
  const { data: unread } = useUnreadCount({ enabled: reader !== null, refetchOnMount: 'always' });
  const markRead = useMarkRead();
  if (!reader) {
    return (
      <section className="inbox">
        <h1>Notifications</h1>
        <p className="notice">
          <a href={signInHref}>Connectez-vous</a> pour voir vos notifications.
        </p>
      </section>
    );
  }
  const notifications = inbox.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <section className="inbox">
      <h1>Notifications</h1>
      {unread ? <p className="status">{unread > 1 ? `${unread} non lues` : '1 non lue'}</p> : null}
      {inbox.isPending ? (
        <p className="status">Chargement…</p>
      ) : inbox.isError ? (
        <p className="notice">Les notifications n’ont pas pu être chargées.</p>
      ) : notifications.length === 0 ? (
        <p className="status">Aucune notification pour l’instant.</p>
      ) : (
        <>
          <button type="button" disabled={markRead.isPending} onClick={() => markRead.mutate('all')}>
            Tout marquer comme lu
          </button>
          <ul className="notification-list">
            {notifications.map((n) => (
              <li key={n.id} className={n.readAt ? 'notification' : 'notification unread'}>
                <p className="notification-title">{n.title}</p>
                <p>{n.body}</p>
                <p className="notification-date">
                  {dateFormat.format(new Date(n.createdAt))}
                  {!n.readAt && (
                    <button type="button" className="link" onClick={() => markRead.mutate([n.id])}>
                      Marquer comme lu
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
          {inbox.hasNextPage && (
            <button type="button" disabled={inbox.isFetchingNextPage} onClick={() => inbox.fetchNextPage()}>
              Plus anciennes
            </button>
          )}
        </>
      )}
    </section>
  );
}
