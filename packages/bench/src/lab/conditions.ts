/**
 * Whether this process reads the workspace packages' TypeScript sources (`--conditions=source`, as the tests do) or
 * their built dist/, which is what `pnpm bench` measures: what ships. (Run from source under tsx, every closure
 * also pays for a `__name` call that the published build does not have: a third of the lane's CPU.)
 */
export const readsSources = ((args: readonly string[]) =>
  args.some((arg, i) => arg === '--conditions=source' || arg === '-C=source' || ((arg === '--conditions' || arg === '-C') && args[i + 1] === 'source')))([
  ...process.execArgv,
  ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/),
]);

/** Resolve conditions for a benchmark's browser page: the same packages' build as this process reads. */
export function pageConditions(defaults: readonly string[]): string[] {
  return readsSources ? ['source', ...defaults] : [...defaults];
}
