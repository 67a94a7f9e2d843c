// Reading groups: the list (with a form to create one) and a group's page — its current book, the
// progress members chose to share, the members, and the group's threads with their nested replies.
// Text readers write is rendered as text (React escapes it), never as HTML.
import {
  type ReplyNode,
  replyTree,
  useBook,
  useCreateGroup,
  useCreateThread,
  useGroup,
  useGroupMembers,
  useGroupProgress,
  useGroups,
  useJoinGroup,
  useLeaveGroup,
  useMyGroups,
  useReply,
  useRequestToJoin,
  useShareProgress,
  useThreadPosts,
  useThreads,
} from '@coko/react';
import { type FormEvent, useState } from 'react';
import { bookHref, groupHref, signInHref } from './use-hash-route';

/** The groups, newest first, and a form to create one. */
export function GroupsPage({ signedIn }: { signedIn: boolean }) {
  const { data, fetchNextPage, hasNextPage } = useGroups();
  const create = useCreateGroup();
  const [name, setName] = useState('');
  const groups = data?.pages.flatMap((page) => page.data) ?? [];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name, visibility: 'public' },
      { onSuccess: (group) => window.location.assign(groupHref(group.id)) },
    );
  };
  return (
    <section className="groups">
      <h1>Groupes de lecture</h1>
      {signedIn && (
        <form onSubmit={submit} className="inline-form">
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Nom du groupe" maxLength={100} />
          <button type="submit" disabled={!name.trim() || create.isPending}>
            Créer
          </button>
          {create.error && <span className="error">{create.error.message}</span>}
        </form>
      )}
      <ul className="group-list">
        {groups.map((group) => (
          <li key={group.id}>
            <a href={groupHref(group.id)}>{group.name}</a> · {group.memberCount} membre
            {group.memberCount > 1 ? 's' : ''}
            {group.visibility === 'private' && ' · privé'}
          </li>
        ))}
      </ul>
      {hasNextPage && (
        <button type="button" onClick={() => fetchNextPage()}>
          Plus de groupes
        </button>
      )}
    </section>
  );
}

/** A group's page. `readerName`: the signed-in reader's name (null for a guest). */
export function GroupPage({ id, readerName }: { id: string; readerName: string | null }) {
  const { data: group, error } = useGroup(id);
  const { data: mine = [] } = useMyGroups({ enabled: readerName !== null });
  const membership = mine.find((g) => g.id === id);
  const isMember = membership !== undefined;
  const { data: members = [] } = useGroupMembers(id, { enabled: group?.visibility === 'public' || isMember });
  const join = useJoinGroup(id);
  const leave = useLeaveGroup(id);
  const request = useRequestToJoin(id);

  if (error) return <p className="error">{error.message}</p>;
  if (!group) return <p className="status">Chargement…</p>;
  return (
    <section className="group">
      <h1>{group.name}</h1>
      {group.description && <p className="description">{group.description}</p>}
      <p className="meta">
        {group.visibility === 'private' ? 'Groupe privé' : 'Groupe public'} · {group.memberCount}/{group.memberLimit}{' '}
        membres
      </p>
      {readerName === null ? (
        <p className="notice">
          <a href={signInHref}>Connectez-vous</a> pour rejoindre le groupe.
        </p>
      ) : isMember ? (
        membership.role !== 'owner' && (
          <button type="button" onClick={() => leave.mutate()}>
            Quitter le groupe
          </button>
        )
      ) : group.visibility === 'public' ? (
        <button type="button" onClick={() => join.mutate()} disabled={join.isPending}>
          Rejoindre
        </button>
      ) : (
        <button type="button" onClick={() => request.mutate(null)} disabled={request.isPending || request.isSuccess}>
          {request.isSuccess ? 'Demande envoyée' : 'Demander à rejoindre'}
        </button>
      )}
      {(join.error ?? request.error ?? leave.error) && (
        <p className="error">{(join.error ?? request.error ?? leave.error)?.message}</p>
      )}

      {group.currentBookId && <CurrentBook bookId={group.currentBookId} />}
      {isMember && <SharedProgress groupId={id} sharing={membership.shareProgress} />}

      {members.length > 0 && (
        <>
          <h2>Membres</h2>
          <ul className="members">
            {members.map((m) => (
              <li key={m.userId}>
                {m.person.displayName ?? 'Lecteur'}
                {m.role !== 'member' && ` (${m.role === 'owner' ? 'fondateur' : 'modérateur'})`}
              </li>
            ))}
          </ul>
        </>
      )}

      {(group.visibility === 'public' || isMember) && (
        <GroupThreads groupId={id} canWrite={isMember} readerName={readerName} />
      )}
    </section>
  );
}

function CurrentBook({ bookId }: { bookId: string }) {
  const { data: book } = useBook(bookId);
  return (
    <p className="current-book">
      En ce moment : <a href={bookHref(bookId)}>{book?.title ?? '…'}</a>
    </p>
  );
}

function SharedProgress({ groupId, sharing }: { groupId: string; sharing: boolean }) {
  const { data: progress = [] } = useGroupProgress(groupId);
  const share = useShareProgress(groupId);
  return (
    <div className="shared-progress">
      <h2>Progression partagée</h2>
      <label>
        <input type="checkbox" checked={sharing} onChange={(e) => share.mutate(e.target.checked)} /> Partager ma
        progression avec le groupe
      </label>
      <ul>
        {progress.map((m) => (
          <li key={m.userId}>
            {m.displayName ?? 'Lecteur'} <progress max={100} value={m.percentage} /> {Math.round(m.percentage)} %
          </li>
        ))}
      </ul>
    </div>
  );
}

function GroupThreads({
  groupId,
  canWrite,
  readerName,
}: {
  groupId: string;
  canWrite: boolean;
  readerName: string | null;
}) {
  const { data } = useThreads({ groupId });
  const create = useCreateThread();
  const [title, setTitle] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const threads = data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <div className="threads">
      <h2>Discussions</h2>
      {canWrite && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { groupId, title },
              {
                onSuccess: (thread) => {
                  setTitle('');
                  setOpen(thread.id);
                },
              },
            );
          }}
        >
          <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Nouveau sujet" maxLength={200} />
          <button type="submit" disabled={!title.trim() || create.isPending}>
            Publier
          </button>
        </form>
      )}
      <ul className="thread-list">
        {threads.map((thread) => (
          <li key={thread.id}>
            <button type="button" className="link" onClick={() => setOpen(open === thread.id ? null : thread.id)}>
              {thread.deleted ? '[sujet supprimé]' : thread.title}
            </button>{' '}
            · {thread.replyCount} réponse{thread.replyCount > 1 ? 's' : ''}
            {open === thread.id && <Replies threadId={thread.id} canWrite={canWrite} readerName={readerName} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Replies({
  threadId,
  canWrite,
  readerName,
}: {
  threadId: string;
  canWrite: boolean;
  readerName: string | null;
}) {
  const { data, fetchNextPage, hasNextPage } = useThreadPosts(threadId);
  const reply = useReply(threadId, readerName ? { id: 'me', displayName: readerName } : null);
  const tree = replyTree(data?.pages.flatMap((page) => page.data) ?? []);
  const send = (body: string, parentId: string | null) => reply.mutate({ body, parentId });
  return (
    <div className="replies">
      <ReplyList nodes={tree} canWrite={canWrite} onReply={send} />
      {hasNextPage && (
        <button type="button" onClick={() => fetchNextPage()}>
          Plus de réponses
        </button>
      )}
      {canWrite && <ReplyBox onSend={(body) => send(body, null)} />}
      {reply.error && <p className="error">{reply.error.message}</p>}
    </div>
  );
}

function ReplyList({
  nodes,
  canWrite,
  onReply,
}: {
  nodes: ReplyNode[];
  canWrite: boolean;
  onReply: (body: string, parentId: string) => void;
}) {
  const [replyingTo, setReplyingTo] = useState<string | null>(null);
  return (
    <ul className="reply-tree">
      {nodes.map(({ post, children }) => (
        <li key={post.id}>
          <p className="reply">
            <strong>{post.author?.displayName ?? 'Lecteur'}</strong>{' '}
            {post.deleted ? <em>[message supprimé]</em> : post.body}
            {post.editedAt && !post.deleted && <small> (modifié)</small>}
          </p>
          {canWrite && !post.deleted && (
            <button
              type="button"
              className="link"
              onClick={() => setReplyingTo(replyingTo === post.id ? null : post.id)}
            >
              Répondre
            </button>
          )}
          {replyingTo === post.id && (
            <ReplyBox
              onSend={(body) => {
                onReply(body, post.id);
                setReplyingTo(null);
              }}
            />
          )}
          {children.length > 0 && <ReplyList nodes={children} canWrite={canWrite} onReply={onReply} />}
        </li>
      ))}
    </ul>
  );
}

function ReplyBox({ onSend }: { onSend: (body: string) => void }) {
  const [body, setBody] = useState('');
  return (
    <form
      className="reply-box"
      onSubmit={(e) => {
        e.preventDefault();
        onSend(body);
        setBody('');
      }}
    >
      <textarea
        value={body}
        onChange={(e) => setBody(e.target.value)}
        maxLength={10_000}
        rows={2}
        aria-label="Votre réponse"
      />
      <button type="submit" disabled={!body.trim()}>
        Envoyer
      </button>
    </form>
  );
}
