/**
 * Whether this process reads the workspace packages' TypeScript sources (`--conditions=source`, as the tests do) or
 * their built dist/, which is what `pnpm bench` measures: what ships. (Run from source under tsx, every closure
 * also pays for a `__name` call that the published build does not have: a third of the lane's CPU.)
 */
export const readsSources = conditionArgs([...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)]).includes('--conditions=source');

/** The `--conditions` / `-C` options among node arguments, in any spelling, each as `--conditions=x`. */
export function conditionArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (arg.startsWith('--conditions=')) out.push(arg);
    else if (arg.startsWith('-C=')) out.push(`--conditions=${arg.slice(3)}`);
    else if ((arg === '--conditions' || arg === '-C') && execArgv[i + 1] !== undefined) out.push(`--conditions=${execArgv[++i]}`);
  }
  return out;
}

/** Resolve conditions for a benchmark's browser page: the same packages' build as this process reads. */
export function pageConditions(defaults: readonly string[]): string[] {
  return readsSources ? ['source', ...defaults] : [...defaults];
}
