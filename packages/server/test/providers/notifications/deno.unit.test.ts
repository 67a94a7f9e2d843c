import { importSPKI, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { denoArgs, denoEnv, guardRootPackageJson, repoRoot, spawnDeno } from '../../deno.ts';

guardRootPackageJson();

describe('notification channels under Deno', () => {
  it('send email, push and SMS with Web-standard APIs only; the FCM assertion signed by Deno verifies with jose', async () => {
    const script = 'packages/server/test/providers/notifications/deno-smoke.ts';
    // No --allow-* flag: the adapters need neither the file system, the network (fetch is injected) nor env.
    const run = spawnDeno(['run', ...denoArgs, script], { cwd: repoRoot, env: denoEnv });
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    expect(code, run.output()).toBe(0);
    const result = JSON.parse(run.output().trim().split('\n').at(-1) ?? '{}');
    expect(result).toMatchObject({
      status: { email: 'on: sendgrid', push: 'on: fcm (coko-deno)', sms: 'on: africastalking (sandbox)' },
      results: {
        email: { providerMessageId: 'sg-deno' },
        push: { providerMessageId: 'projects/coko-deno/messages/1' },
        sms: { providerMessageId: 'ATXid_deno' },
      },
      urls: [
        'https://api.sendgrid.com/v3/mail/send',
        'https://oauth2.googleapis.com/token',
        'https://fcm.googleapis.com/v1/projects/coko-deno/messages:send',
        'https://api.sandbox.africastalking.com/version1/messaging',
      ],
    });
    const { payload } = await jwtVerify(result.assertion, await importSPKI(result.publicKey, 'RS256'), {
      audience: 'https://oauth2.googleapis.com/token',
      issuer: 'push@coko-deno.iam.gserviceaccount.com',
    });
    expect(payload.scope).toBe('https://www.googleapis.com/auth/firebase.messaging');
  }, 60_000);
});
