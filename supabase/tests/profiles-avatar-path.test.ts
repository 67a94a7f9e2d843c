// profiles.avatar_path holds only `avatars/<own user id>/<file name>`: through PostgREST as the reader (RLS and
// the check constraint together), as the service role, and from sign-up metadata.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminQuery, clientAs, ensureTestUsers, sqlError, sqlFor, USERS } from './helpers.js';
import { createIdentityUser, profileOf } from './identity-helpers.js';

const own = USERS.user.id;
const other = USERS.otherUser.id;

beforeAll(async () => {
  await ensureTestUsers();
});

beforeEach(async () => {
  await adminQuery('update public.profiles set avatar_path = null where id = $1', [own]);
});

async function setAvatar(avatarPath: string | null) {
  const { data, error, status } = await (await clientAs('user'))
    .from('profiles')
    .update({ avatar_path: avatarPath })
    .eq('id', own)
    .select('avatar_path');
  return { data, error, status };
}

describe('profiles.avatar_path', () => {
  it('accepts a file of the reader’s own avatars folder, and null', async () => {
    for (const path of [
      `avatars/${own}/me.png`,
      `avatars/${own}/_2026-03.v2.webp`,
      `avatars/${own}/${'a'.repeat(100)}`,
    ]) {
      const result = await setAvatar(path);
      expect(result.error, path).toBeNull();
      expect(result.data).toEqual([{ avatar_path: path }]);
    }
    expect((await setAvatar(null)).data).toEqual([{ avatar_path: null }]);
  });

  const refused: [string, string][] = [
    ['another reader’s folder', `avatars/${other}/me.png`],
    ['the folder itself', `avatars/${own}/`],
    ['a parent directory', `avatars/${own}/../${other}/me.png`],
    ['two dots in the name', `avatars/${own}/me..png`],
    ['a file name starting with a dot', `avatars/${own}/.htaccess`],
    ['a nested folder', `avatars/${own}/a/b.png`],
    ['an absolute path', `/avatars/${own}/me.png`],
    ['another bucket', `books/${own}/me.png`],
    ['an https URL', `https://evil.example/avatars/${own}/me.png`],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:image/png;base64,AAAA'],
    ['a backslash', `avatars/${own}\\me.png`],
    ['a space', `avatars/${own}/my photo.png`],
    ['a newline', `avatars/${own}/me.png\n`],
    ['a file name over 100 characters', `avatars/${own}/${'a'.repeat(101)}`],
    ['an empty string', ''],
  ];
  for (const [name, path] of refused) {
    it(`refuses ${name} (23514, 400 through PostgREST)`, async () => {
      const result = await setAvatar(path);
      expect(result.status).toBe(400);
      expect(result.error).toMatchObject({
        code: '23514',
        message: expect.stringContaining('profiles_avatar_path_format'),
      });
      expect(await profileOf(own)).toMatchObject({ avatar_path: null });
    });
  }

  it('holds for the service role and in SQL too (the constraint, not only the API)', async () => {
    const error = await sqlError(
      sqlFor('service', (db) =>
        db.query('update public.profiles set avatar_path = $2 where id = $1', [own, `avatars/${other}/x.png`]),
      ),
    );
    expect(error.code).toBe('23514');
    expect(error.constraint).toBe('profiles_avatar_path_format');
  });

  it('a sign-up with an avatar outside the user’s folder gets no avatar instead of failing', async () => {
    const created = { id: crypto.randomUUID(), email: 'avatar-new@rls.test', roles: [] };
    await createIdentityUser({ ...created, userMetadata: { avatar_path: `avatars/${other}/stolen.png` } });
    expect(await profileOf(created.id)).toMatchObject({ avatar_path: null });
    await adminQuery('delete from auth.users where id = $1', [created.id]);
  });
});
