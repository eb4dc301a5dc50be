import { chooseDriver } from '../../src/core/cache/driverChoice';

/**
 * The SQLite driver this test process's caches use: the unit layer runs the cache suite once per driver (see
 * scripts/test.mjs), node:sqlite under a Node that has it, with JUDGE_ALIGN_SQLITE_DRIVER set.
 */
export const driverUnderTest = chooseDriver().name;

/** For `skip`: tests of sql.js's own machinery (whole-file saves, deferred saves, the lock file before each write). */
export const sqlJsOnly: string | false = driverUnderTest === 'sqljs' ? false : 'sql.js machinery: the node:sqlite driver commits in place, without saves';

/** For `skip`: tests of node:sqlite's own machinery. */
export const nodeOnly: string | false = driverUnderTest === 'node' ? false : 'node:sqlite machinery, and this pass uses sql.js';
