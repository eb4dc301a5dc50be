import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;
let loaded = false;

/** True once the wasm has been instantiated: activation must not do it. */
export function isSqlJsLoaded(): boolean {
  return loaded;
}

function defaultWasmPath(): string {
  // Bundles in dist/ carry the wasm beside them; from source (tests) it comes from node_modules.
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  return fs.existsSync(beside) ? beside : require.resolve('sql.js/dist/sql-wasm.wasm');
}

/** Loads sql.js on first use only; later calls share the same instance. */
export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  if (!loading) {
    const file = wasmPath && fs.existsSync(wasmPath) ? wasmPath : defaultWasmPath();
    // Required here, not imported at the top, so that importing the cache module costs nothing.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const initSqlJs = require('sql.js') as (config: { wasmBinary: ArrayBuffer | Uint8Array }) => Promise<SqlJsStatic>;
    const wasmBinary = fs.readFileSync(file);
    loading = initSqlJs({ wasmBinary }).then((sql) => {
      loaded = true;
      return sql;
    });
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}
