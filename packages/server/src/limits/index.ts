// Runtime-agnostic parts (the API imports these on Node and Deno); the gateway's middleware is Node-only:
// import it from './gateway.ts'.
export * from './client.ts';
export * from './from-config.ts';
export * from './policies.ts';
export * from './route-limits.ts';
export * from './slots.ts';
export * from './store.ts';
