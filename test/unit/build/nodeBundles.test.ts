import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as esbuild from 'esbuild';

// The extension host of VS Code 1.139+ (Node 22) logs an error whenever code reads the global `navigator`; the node
// bundles must not read it at all (scripts/bundleOptions.mjs defines it away). Built here in memory with the very
// options the product is built with.
describe('node bundles', () => {
  for (const [name, entry] of [
    ['extension', 'src/extension/extension.ts'],
    ['cli', 'src/cli/main.ts'],
    ['importWorker', 'src/core/sources/files/importWorker.ts'],
  ] as const) {
    test(`the ${name} bundle never reads the global navigator`, async () => {
      const { nodeOptions } = await import('../../../scripts/bundleOptions.mjs');
      const options = nodeOptions({ production: false });
      const result = await esbuild.build({ ...options, entryPoints: [entry], write: false, sourcemap: false, logLevel: 'silent', outdir: 'out' });
      const code = result.outputFiles.find((f) => f.path.endsWith('.js'))!.text;
      const reads = code.match(/.{0,40}\bnavigator\b.{0,40}/g) ?? [];
      assert.deepEqual(reads, [], `reads of navigator left in the ${name} bundle`);
    });
  }
});
