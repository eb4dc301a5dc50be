// Entry of the suite that runs inside the real extension host (extensionTestsPath). The host's console is
// not ours, so results go to the JSON file named by JUDGE_ALIGN_HOST_RESULTS as well.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Result {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  // Required at run time from the repository's node_modules (the host loads this file from the repo).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha = require('mocha') as typeof import('mocha');
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  const dir = __dirname;
  for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
  const results: Result[] = [];
  const out = process.env.JUDGE_ALIGN_HOST_RESULTS;
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (out) fs.writeFileSync(out, JSON.stringify({ results, failures }, null, 2));
      failures > 0 ? reject(new Error(`${failures} extension-host tests failed`)) : resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? err.message }));
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
  });
}
