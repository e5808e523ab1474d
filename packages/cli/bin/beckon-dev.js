#!/usr/bin/env node
// Workspace only (not published): runs the TypeScript sources through tsx, so development needs no build step.
// Start it with `node --conditions=source` so the workspace packages it imports resolve to their sources too.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
