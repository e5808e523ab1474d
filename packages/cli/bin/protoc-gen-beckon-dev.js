#!/usr/bin/env node
// Workspace only (not published): the plugin from the TypeScript sources, like bin/beckon-dev.js.
import { register } from 'tsx/esm/api';

register();
const { pluginMain } = await import('../src/gen/plugin.ts');
process.exitCode = await pluginMain();
