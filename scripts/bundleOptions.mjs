// The esbuild options every bundle shares, and those of the node bundles (extension host, CLI, import worker).
// scripts/build.mjs builds the product with them; the import bench builds its phases with them, so it measures
// the code as it ships.

/** @param {{ production: boolean }} options */
export function commonOptions({ production }) {
  return {
    bundle: true,
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'info',
    legalComments: 'none',
  };
}

/** @param {{ production: boolean }} options */
export function nodeOptions({ production }) {
  return {
    ...commonOptions({ production }),
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // sql.js finds its wasm next to the bundle (see src/core/cache/sqljs.ts), never inlined.
    external: ['vscode', 'sql.js/dist/sql-wasm.wasm', 'node:sqlite'],
    // Node 21+ has a global `navigator`, and VS Code's extension host (1.139 and later) logs a PendingMigrationError
    // every time code reads it. Bundled libraries (zod's allowsEval check, the platform clients' runtime sniffing)
    // read it only to detect a browser; in these bundles the answer is always "not a browser", as on Node 20.
    define: { navigator: 'undefined', 'globalThis.navigator': 'undefined' },
  };
}
