import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { labLinePrefix } from './namespace.ts';
import type { LabReporter, LabTask } from './namespace.ts';

// Entry of a lab child process: node --import tsx child.ts <module under src/> <export> <input JSON>.
const [modulePath = '', exportName = '', inputJson = 'null'] = process.argv.slice(2);

const send = (message: object): void => {
  process.stdout.write(`${labLinePrefix}${JSON.stringify(message)}\n`);
};
const reporter: LabReporter = {
  progress: (done, total, label) => send({ progress: [done, total, label] }),
  log: (message) => send({ log: message }),
};

try {
  const module = (await import(pathToFileURL(resolve(import.meta.dirname, '..', modulePath)).href)) as Record<string, unknown>;
  const task = module[exportName] as LabTask<unknown, unknown> | undefined;
  if (typeof task !== 'function') throw new Error(`${modulePath} has no function ${exportName}`);
  const result = await task(JSON.parse(inputJson) as unknown, reporter);
  send({ result });
} catch (error) {
  send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
// node-datachannel's threads and PeerServer children would keep the process alive; the task cleaned up what matters.
process.exitCode = 0;
setTimeout(() => process.exit(), 100);
