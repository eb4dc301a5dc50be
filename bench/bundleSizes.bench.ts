import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { REPO_ROOT } from '../test/support/codeServer';
import type { BenchResult } from './types';

/** What each bundle weighs as shipped (production build), raw and gzipped: the webviews load theirs on every open. */
export async function benchBundleSizes(): Promise<BenchResult> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: REPO_ROOT, stdio: 'ignore' });
  try {
    const dist = path.join(REPO_ROOT, 'dist');
    const files = [
      ...fs.readdirSync(path.join(dist, 'webview')).filter((f) => /\.(js|css)$/.test(f)).map((f) => path.join('webview', f)),
      'extension.js',
      'cli.js',
    ];
    const data: Record<string, number> = {};
    const lines = files.map((rel) => {
      const bytes = fs.readFileSync(path.join(dist, rel));
      const gz = zlib.gzipSync(bytes, { level: 9 }).length;
      data[`${rel}:bytes`] = bytes.length;
      data[`${rel}:gzip`] = gz;
      return `  ${`dist/${rel}`.padEnd(30)} ${(bytes.length / 1024).toFixed(0).padStart(6)} KiB  (${(gz / 1024).toFixed(0)} KiB gzipped)`;
    });
    return { name: 'bundle sizes (production build)', lines, data };
  } finally {
    execFileSync(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: REPO_ROOT, stdio: 'ignore' });
  }
}

if (require.main === module) void benchBundleSizes().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
