import type { DriverName, NodeSqliteModule } from './driver';

export type DriverChoice = { readonly name: 'node'; readonly module: NodeSqliteModule } | { readonly name: 'sqljs' };

/** Sets the default driver for a process (tests run the cache suite once per driver with it). */
export const DRIVER_ENV = 'JUDGE_ALIGN_SQLITE_DRIVER';

let nodeSqlite: { module: NodeSqliteModule | undefined; why: string } | undefined;

/**
 * node:sqlite if this runtime has it without a flag (Node 22.13+, VS Code builds on Node 22), else undefined and why.
 * `process.versions.sqlite` alone is not enough: Node 22.5 to 22.12 have it behind --experimental-sqlite.
 */
export function loadNodeSqlite(): { module: NodeSqliteModule | undefined; why: string } {
  if (nodeSqlite) return nodeSqlite;
  if (!process.versions.sqlite) {
    nodeSqlite = { module: undefined, why: `Node ${process.version} has no node:sqlite (Node 22.13 or later has)` };
    return nodeSqlite;
  }
  try {
    // Required when asked for, never imported: on Node 20 the module does not exist, and bundles target Node 20.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    nodeSqlite = { module: require('node:sqlite') as NodeSqliteModule, why: '' };
  } catch (err) {
    nodeSqlite = { module: undefined, why: `node:sqlite did not load in Node ${process.version}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return nodeSqlite;
}

/** The driver to use: as asked (option, else JUDGE_ALIGN_SQLITE_DRIVER), or node:sqlite where it loads, else sql.js. */
export function chooseDriver(asked?: DriverName | 'auto'): DriverChoice {
  const fromEnv = process.env[DRIVER_ENV];
  const wanted = asked ?? (fromEnv === undefined || fromEnv === '' ? 'auto' : fromEnv);
  if (wanted !== 'auto' && wanted !== 'node' && wanted !== 'sqljs') {
    throw new Error(`${DRIVER_ENV}=${wanted} is not a SQLite driver judge-align knows: use node, sqljs or auto (or unset it).`);
  }
  if (wanted === 'sqljs') return { name: 'sqljs' };
  const { module, why } = loadNodeSqlite();
  if (module) return { name: 'node', module };
  if (wanted === 'node') throw new Error(`The cache was asked to use node:sqlite, but ${why}. Use Node 22.13 or later, or ask for sqljs (${DRIVER_ENV}=sqljs).`);
  return { name: 'sqljs' };
}
