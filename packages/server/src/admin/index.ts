// Administrative operations (partners, keys, roles, refunds), each one audited transaction. The `coko`
// CLI (src/cli/partners.ts, keys.ts, roles.ts) and `coko dev` call these; so can scripts and tests.
export * from './context.ts';
export * from './demo.ts';
export * from './keys.ts';
export * from './orders.ts';
export * from './partners.ts';
export * from './roles.ts';
