import type { TestStack } from '@coko/server/testing';

let current: TestStack | undefined;

export function setCurrentStack(stack: TestStack): void {
  current = stack;
}

/** The running stack of this test file (see setup-stack.ts). */
export function testStack(): TestStack {
  if (!current) throw new Error('No test stack: is test/setup-stack.ts in setupFiles?');
  return current;
}
