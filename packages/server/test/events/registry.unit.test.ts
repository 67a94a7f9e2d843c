// registerEventConsumer(): names are cursor keys, so they are checked and never shared by two consumers;
// the built-in registration (what the worker's HANDLERS calls) is idempotent.
import { afterEach, describe, expect, it } from 'vitest';
import { registerBuiltInConsumers } from '../../src/events/consumers.ts';
import { partnerWebhooksConsumer } from '../../src/events/partner-webhooks.ts';
import { eventConsumers, registerEventConsumer, unregisterEventConsumer } from '../../src/events/registry.ts';
import type { EventConsumer } from '../../src/events/types.ts';

const consumer = (name: string, kinds: EventConsumer['kinds'] = ['test.ping']): EventConsumer => ({
  name,
  kinds,
  async handle() {},
});

afterEach(() => {
  for (const name of ['unit-a', 'unit-b']) unregisterEventConsumer(name);
});

describe('registerEventConsumer', () => {
  it('lists consumers by name; the same definition twice is one', () => {
    const a = consumer('unit-a');
    registerEventConsumer(consumer('unit-b'));
    registerEventConsumer(a);
    registerEventConsumer(a);
    const names = eventConsumers().map((c) => c.name);
    expect(names.filter((name) => name.startsWith('unit-'))).toEqual(['unit-a', 'unit-b']);
  });

  it('refuses two definitions under one name, bad names and empty kinds', () => {
    registerEventConsumer(consumer('unit-a'));
    expect(() => registerEventConsumer(consumer('unit-a'))).toThrow(/Two event consumers are named unit-a/);
    expect(() => registerEventConsumer(consumer('Unit A'))).toThrow(/must match/);
    expect(() => registerEventConsumer(consumer('unit-b', []))).toThrow(/wants no kinds/);
  });

  it('registers the built-in consumers once however often it is called', () => {
    registerBuiltInConsumers();
    registerBuiltInConsumers();
    expect(eventConsumers().filter((c) => c.name === 'partner-webhooks')).toEqual([partnerWebhooksConsumer]);
  });
});
