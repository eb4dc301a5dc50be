import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { launchBrowser } from '../test/support/browser';
import { REPO_ROOT } from '../test/support/codeServer';
import { initMessage, rows, runMessage } from '../test/webview/fixtures';
import { openWorkbench, serveDist } from '../test/webview/harness';
import type { BenchResult } from './types';

const ROWS = 10_000;

/**
 * The workbench bundle in Chromium: time from the host message carrying a 10,000-row run to the first screen
 * painted, against the same message with 100 rows (the baseline); then frames per second while scrolling
 * the list from top to bottom.
 */
export async function benchWorkbench(): Promise<BenchResult> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'webview', 'workbench.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const browser = await launchBrowser();
  const server = await serveDist();
  try {
    const firstScreen = async (n: number): Promise<number> => {
      const page = await openWorkbench(browser, server.url);
      await page.evaluate((m) => window.postMessage(m, '*'), initMessage(5));
      const message = runMessage(rows(n));
      // A string, not a function: the test runner's transpiler would inject helpers the page does not have.
      await page.evaluate((m) => ((window as unknown as { __message: unknown }).__message = m), message);
      const ms = await page.evaluate<number>(`new Promise((resolve) => {
        const started = performance.now();
        window.postMessage(window.__message, '*');
        const check = () => {
          if (document.querySelector('.vrow')) requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      })`);
      await page.close();
      return ms;
    };
    const median = async (n: number) => {
      const xs: number[] = [];
      for (let i = 0; i < 5; i++) xs.push(await firstScreen(n));
      return xs.sort((a, b) => a - b)[2]!;
    };
    const baseline = await median(100);
    const large = await median(ROWS);

    const page = await openWorkbench(browser, server.url);
    await page.evaluate((m) => window.postMessage(m, '*'), initMessage(5));
    await page.evaluate((m) => window.postMessage(m, '*'), runMessage(rows(ROWS)));
    await page.locator('.vrow').first().waitFor();
    const scroll = await page.evaluate<{ fps: number; frames: number; seconds: number; worstFrameMs: number }>(`new Promise((resolve) => {
      const list = document.querySelector('.vlist');
      const total = list.scrollHeight - list.clientHeight;
      const duration = 3000;
      const started = performance.now();
      let frames = 0, last = started, worst = 0;
      const step = (now) => {
        frames++;
        worst = Math.max(worst, now - last);
        last = now;
        const t = Math.min(1, (now - started) / duration);
        list.scrollTop = t * total;
        if (t < 1) requestAnimationFrame(step);
        else resolve({ fps: frames / ((now - started) / 1000), frames, seconds: (now - started) / 1000, worstFrameMs: worst });
      };
      requestAnimationFrame(step);
    })`);
    await page.close();
    return {
      name: 'workbench webview (Chromium, headless)',
      lines: [
        `  first screen, ${ROWS} rows          ${large.toFixed(1)} ms  (median of 5, from the host message to painted rows)`,
        `  baseline, 100 rows              ${baseline.toFixed(1)} ms`,
        `  ratio                           ${(large / baseline).toFixed(2)}x`,
        `  scrolling all ${ROWS} rows in 3 s   ${scroll.fps.toFixed(1)} frames/s  (${scroll.frames} frames, worst frame ${scroll.worstFrameMs.toFixed(1)} ms)`,
      ],
      data: { rows: ROWS, firstScreenMs: large, baselineMs: baseline, ratio: large / baseline, scrollFps: scroll.fps, worstFrameMs: scroll.worstFrameMs },
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (require.main === module) void benchWorkbench().then((r) => console.log([`# ${r.name}`, ...r.lines].join('\n')));
