#!/usr/bin/env node
// The published command: the compiled CLI in dist/ (`pnpm build`). Inside the workspace, bin/beckon-dev.js runs the sources.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
