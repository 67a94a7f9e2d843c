// `coko roles …`: grant and revoke the admin and moderator application roles (audited).
import { parseArgs } from 'node:util';
import { AdminError, grantRole, listRoles, revokeRole } from '../admin/index.ts';
import { isoMinute, runAdmin, subcommand, table } from './partners.ts';

export const ROLES_USAGE = `Usage: coko roles <sub-command>

  grant <user id|email> <admin|moderator>
  revoke <user id|email> <admin|moderator>
  list [--json]   Every admin and moderator

Every signed-in user has the user role; changes are recorded in audit_logs (set COKO_ACTOR to your
own user id or email to be recorded as the actor; the OS user is always recorded).`;

export async function rolesCommand(args: string[]): Promise<number> {
  const parsed = subcommand(args, ROLES_USAGE, ['grant', 'revoke', 'list']);
  if ('exit' in parsed) return parsed.exit;
  const { name, rest } = parsed;

  if (name === 'list') {
    const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
    const grants = await runAdmin((ctx) => listRoles(ctx));
    if (values.json) console.log(JSON.stringify(grants, null, 2));
    else if (grants.length === 0) console.log('No admins or moderators: coko roles grant <user id|email> admin');
    else
      console.log(
        table(
          ['ROLE', 'USER ID', 'EMAIL', 'GRANTED'],
          grants.map((g) => [g.role, g.userId, g.email ?? '', isoMinute(g.grantedAt)]),
        ),
      );
    return 0;
  }

  const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
  if (positionals.length !== 2)
    throw new AdminError('invalid_input', `Expected coko roles ${name} <user id|email> <admin|moderator>`);
  const [user, role] = positionals as [string, string];
  const change = await runAdmin((ctx) => (name === 'grant' ? grantRole(ctx, user, role) : revokeRole(ctx, user, role)));
  const who = change.user.email ? `${change.user.email} (${change.user.id})` : change.user.id;
  if (name === 'grant')
    console.log(change.changed ? `Granted ${change.role} to ${who}.` : `${who} already has ${change.role}.`);
  else console.log(change.changed ? `Revoked ${change.role} from ${who}.` : `${who} does not have ${change.role}.`);
  return 0;
}
