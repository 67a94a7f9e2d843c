import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Database } from '../../../sdk/src/database.types.ts';
import {
  isProviderName,
  type PaymentStatus,
  PROVIDER_NAMES,
  type ProviderName,
} from '../../src/providers/payments/index.ts';

type Enums = Database['public']['Enums'];

describe('the payment port', () => {
  it('names the providers and statuses exactly as the database enums do (checked by tsc)', () => {
    expectTypeOf<ProviderName>().toEqualTypeOf<Enums['payment_provider']>();
    expectTypeOf<PaymentStatus>().toEqualTypeOf<Enums['order_status']>();
    expect(PROVIDER_NAMES).toEqual(['sandbox', 'wave', 'orange_money', 'stripe', 'paypal']);
  });

  it('recognises provider names and nothing else', () => {
    for (const name of PROVIDER_NAMES) expect(isProviderName(name)).toBe(true);
    for (const name of ['orange-money', 'Stripe', 'toString', '__proto__', ''])
      expect(isProviderName(name)).toBe(false);
  });
});
