#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the workspace needs no build step before `coko dev`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
