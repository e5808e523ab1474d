#!/usr/bin/env node
// The workspace ships TypeScript sources; tsx runs them without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
