import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { SqlJsLoadError } from './errors';

let loading: Promise<SqlJsStatic> | undefined;
let loaded = false;
let memory: WebAssembly.Memory | undefined;
let instance: SqlJsStatic | undefined;

/** True once the wasm has been instantiated: activation must not do it. */
export function isSqlJsLoaded(): boolean {
  return loaded;
}

function defaultWasmPath(): string {
  // Bundles in dist/ carry the wasm beside them; from source (tests) it comes from node_modules.
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  return fs.existsSync(beside) ? beside : require.resolve('sql.js/dist/sql-wasm.wasm');
}

/** The loaded wasm instance's memory, for the few C calls sql.js wraps without a way to read their results. */
export function sqlJsMemory(): WebAssembly.Memory | undefined {
  return memory;
}

/** The loaded sql.js, for the C functions it exports beside its API (see nativeStatements). */
export function sqlJsInstance(): SqlJsStatic | undefined {
  return instance;
}

/**
 * Loads sql.js on first use only; later calls share the same instance (and ignore their `wasmPath`: one
 * SQLite per process is enough).
 */
export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  if (!loading) {
    loading = instantiate(wasmPath ?? defaultWasmPath()).then((sql) => {
      loaded = true;
      instance = sql;
      return sql;
    });
    // A failed load is not cached: the next open tries again (after a reinstall, say).
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

type InstantiateWasm = (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => object;

async function instantiate(file: string): Promise<SqlJsStatic> {
  let wasmBinary: Uint8Array<ArrayBuffer>;
  try {
    wasmBinary = fs.readFileSync(file);
  } catch (err) {
    throw new SqlJsLoadError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : String(err));
  }
  // Required here, not imported at the top, so that importing a cache module loads neither sql.js nor its wasm.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const initSqlJs = require('sql.js') as (config: { instantiateWasm: InstantiateWasm }) => Promise<SqlJsStatic>;
  try {
    return await new Promise<SqlJsStatic>((resolve, reject) => {
      // Instantiating the module ourselves (an Emscripten hook) is the only way to reach its memory, see sqlJsMemory.
      const instantiateWasm: InstantiateWasm = (imports, done) => {
        WebAssembly.instantiate(wasmBinary, imports).then(({ instance }) => {
          memory = Object.values(instance.exports).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
          done(instance);
        }, reject);
        return {};
      };
      initSqlJs({ instantiateWasm }).then(resolve, reject);
    });
  } catch (err) {
    throw new SqlJsLoadError(file, err instanceof Error ? err.message : String(err));
  }
}
