#!/usr/bin/env node
// The protoc / `buf generate` plugin (see README): the compiled generator in dist/.
import { pluginMain } from '../dist/gen/plugin.js';

process.exitCode = await pluginMain();
