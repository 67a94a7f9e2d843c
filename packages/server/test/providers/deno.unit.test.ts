import { describe, expect, it } from 'vitest';
import { denoArgs, denoEnv, guardRootPackageJson, repoRoot, spawnDeno } from '../deno.ts';

guardRootPackageJson();

describe('payment providers under Deno', () => {
  it('verify a sandbox webhook and open a Wave checkout with Web-standard APIs only', async () => {
    const script = 'packages/server/test/providers/deno-smoke.ts';
    // No --allow-* flag: the adapters need neither the file system, the network (fetch is injected) nor env.
    const run = spawnDeno(['run', ...denoArgs, script], { cwd: repoRoot, env: denoEnv });
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', resolve));
    expect(code, run.output()).toBe(0);
    const result = JSON.parse(run.output().trim().split('\n').at(-1) ?? '{}');
    expect(result).toMatchObject({
      status: { sandbox: 'on', wave: 'on', stripe: 'off: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET not set' },
      event: 'paid',
      tampered: 'WebhookVerificationError',
      checkout: { providerReference: 'cos-deno', checkoutUrl: 'https://pay.wave.com/c/cos-deno' },
      sent: [
        {
          url: 'https://api.wave.com/v1/checkout/sessions',
          authorization: 'Bearer wave_sn_prod_deno',
          body: { amount: '1500' },
        },
      ],
    });
  }, 60_000);
});
