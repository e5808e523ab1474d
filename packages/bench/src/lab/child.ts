import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { labLinePrefix } from './namespace.ts';
import type { LabReporter, LabTask } from './namespace.ts';

// Entry of a lab child process: node [--conditions=source] --import tsx child.ts <module under src/> <export> <input JSON>.
const [modulePath = '', exportName = '', inputJson = 'null'] = process.argv.slice(2);

/** Resolves once the line has left the process: a large result spans several pipe buffers. */
const send = (message: object): Promise<void> =>
  new Promise((resolve) => process.stdout.write(`${labLinePrefix}${JSON.stringify(message)}\n`, () => resolve()));
const reporter: LabReporter = {
  progress: (done, total, label) => void send({ progress: [done, total, label] }),
  log: (message) => void send({ log: message }),
};

try {
  const module = (await import(pathToFileURL(resolve(import.meta.dirname, '..', modulePath)).href)) as Record<string, unknown>;
  const task = module[exportName] as LabTask<unknown, unknown> | undefined;
  if (typeof task !== 'function') throw new Error(`${modulePath} has no function ${exportName}`);
  const result = await task(JSON.parse(inputJson) as unknown, reporter);
  await send({ result });
} catch (error) {
  await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
// node-datachannel's threads and PeerServer children would keep the process alive; the task cleaned up what matters.
// Exiting only after the last write has drained: exiting on a timer lost results larger than the pipe could hold.
process.exit(0);
