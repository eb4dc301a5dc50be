import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../support/codeServer';
import { initMessage, rows, runMessage, USAGE } from './fixtures';
import { cspViolations, openWorkbench, posted, postToPage, useWebviewHarness, WEBVIEW_SHOTS, type Theme } from './harness';

const harness = useWebviewHarness('workbench');
const shots = WEBVIEW_SHOTS;

async function loaded(theme: Theme = 'dark', list = rows(200)): Promise<Page> {
  const page = await openWorkbench(harness.browser, harness.url, theme);
  await postToPage(page, initMessage(3));
  await postToPage(page, runMessage(list));
  await page.locator('.vrow').first().waitFor();
  return page;
}

const count = (page: Page) => page.locator('.count').textContent();

describe('workbench webview in Chromium', () => {
  test('shows figures per split, the confusion matrix and rows with their explanations inline', async () => {
    const page = await loaded();
    assert.match((await page.locator('[data-testid=figures-all] .big').textContent()) ?? '', /^\d+\.\d%$/);
    assert.match((await page.locator('[data-testid=figures-dev]').textContent()) ?? '', /Dev split/);
    assert.equal(await page.locator('[data-testid=confusion] td').count(), 4);
    const first = page.locator('.vrow').first();
    assert.match((await first.textContent()) ?? '', /human .* judge/);
    assert.ok((await page.locator('.vrow .r3.explanation').first().textContent())?.includes('the judge reasons'));
    assert.match((await count(page)) ?? '', /^200 of 200 rows/);
    // Mismatches first by default.
    assert.ok((await first.getAttribute('class'))?.includes('mismatch'));
    await page.close();
  });

  test('clicking a confusion cell filters the rows to that cell; clicking again clears it', async () => {
    const page = await loaded();
    const cell = page.locator('[data-testid=confusion] td[data-human=no][data-judge=yes]');
    const expected = Number(await cell.textContent());
    await cell.click();
    assert.match((await count(page)) ?? '', new RegExp(`^${expected} of 200 rows · human no, judge yes`));
    const shown = await page.locator('.vrow:visible').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.ok(shown.length > 0 && shown.every((t) => /human no · judge yes/.test(t)));
    await page.screenshot({ path: path.join(shots, 'filtered-by-cell.png') });
    await page.locator('[data-testid=confusion] td[data-human=no][data-judge=yes]').click();
    assert.match((await count(page)) ?? '', /^200 of 200 rows/);
    await page.close();
  });

  test('filters, search and keyboard navigation', async () => {
    const page = await loaded();
    await page.keyboard.press('/');
    await page.keyboard.type('question number 42');
    await page.waitForFunction(() => document.querySelector('.count')?.textContent?.startsWith('1 of'));
    await page.keyboard.press('Escape');
    assert.match((await count(page)) ?? '', /^200 of 200/);
    await page.locator('[data-testid=rows]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const selected = page.locator('.vrow.selected');
    assert.equal(await selected.count(), 1);
    const id = await selected.getAttribute('data-id');
    assert.match((await page.locator('.detail h2').textContent()) ?? '', new RegExp(`Row #${id}`));
    const posts = await posted(page);
    assert.deepEqual(posts.map((p) => p.type), ['ready'], 'navigation posts nothing');
    await page.close();
  });

  test('Run posts a typed runJudge message; live rows arrive in batches', async () => {
    const page = await openWorkbench(harness.browser, harness.url);
    await postToPage(page, initMessage(0));
    await page.locator('[data-testid=run]').click();
    const posts = await posted(page);
    assert.deepEqual(JSON.parse(JSON.stringify(posts.at(-1))), { type: 'runJudge', split: 'all' });
    await postToPage(page, { type: 'runStarted', runId: 1, total: 50, split: 'all' });
    await postToPage(page, { type: 'rows', rows: rows(20), done: 20, total: 50 });
    await page.waitForFunction(() => document.querySelector('[data-testid=progress]')?.textContent === 'Run #1: 20/50');
    assert.match((await count(page)) ?? '', /^20 of 20/);
    assert.equal(await page.locator('[data-testid=cancel]').getAttribute('disabled'), null);
    await page.close();
  });

  test('Retry failed shows only when the run has failed rows, and asks again through a typed runJudge', async () => {
    const list = rows(60);
    assert.ok(list.some((r) => r.status === 'failed'), 'the fixture has failed rows');
    const page = await loaded('dark', list);
    await page.locator('[data-testid=retry-failed]:not([hidden])').click();
    assert.deepEqual(JSON.parse(JSON.stringify((await posted(page)).at(-1))), { type: 'runJudge', split: 'all', retryFailed: true });
    await page.close();
    const clean = await loaded('dark', list.filter((r) => r.status !== 'failed'));
    assert.equal(await clean.locator('[data-testid=retry-failed]').getAttribute('hidden'), '');
    assert.match((await clean.locator('[data-testid=progress]').textContent()) ?? '', /· asked for gpt-4o-mini, answered by gpt-4o-mini-2024-07-18 at api\.openai\.com$/);
    await clean.close();
  });

  test('compare shows fixed and regressed rows and can filter to them', async () => {
    const list = rows(60);
    const page = await loaded('dark', list);
    const changes: Record<string, 'fixed' | 'regressed'> = { '4': 'fixed', '11': 'fixed', '2': 'regressed' };
    await postToPage(page, { type: 'comparison', comparison: { baseRunId: 2, headRunId: 3, fixed: 2, regressed: 1, unchangedCorrect: 40, unchangedWrong: 5, newlyFailed: 0, agreementDelta: 0.0167, changes } });
    await page.locator('[data-testid=compare-result]').waitFor();
    assert.match((await page.locator('[data-testid=compare-result]').textContent()) ?? '', /Run #2 → #3: \+1\.7 pts.*2 fixed.*1 regressed/s);
    await page.locator('button.link.fixed').click();
    assert.match((await count(page)) ?? '', /^2 of 60/);
    await page.locator('[data-testid=diff-prompts]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'diffPrompts', baseRunId: 2, headRunId: 3 });
    await page.close();
  });

  test('a row can be re-labelled from its detail: a typed message, then the row updates', async () => {
    const page = await loaded();
    await page.locator('.vrow').first().click();
    const id = await page.locator('.vrow.selected').getAttribute('data-id');
    const row = page.locator('[data-testid=relabel]');
    const other = (await page.locator('.detail .labels strong').first().textContent()) === 'yes' ? 'no' : 'yes';
    await row.locator(`vscode-button[data-label=${other}]`).click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'relabel', exampleId: id, label: other });
    await postToPage(page, { type: 'relabeled', exampleId: id, label: other });
    await page.locator('[data-testid=relabel]', { hasText: 'Saved.' }).waitFor();
    assert.equal(await page.locator('.detail .labels strong').first().textContent(), other);
    await page.close();
  });

  test('the detail follows the filters: a row they hide leaves it and comes back; a row relabelled out of the filter stays', async () => {
    const page = await loaded();
    const heading = page.locator('.detail h2');
    await page.locator('.vrow').first().click();
    const id = (await page.locator('.vrow.selected').getAttribute('data-id'))!;
    assert.match((await heading.textContent()) ?? '', new RegExp(`^Row #${id} `));
    // A search that hides the selected row: the detail is emptied, not left showing a row the list does not.
    await page.keyboard.press('/');
    await page.keyboard.type(id === '42' ? 'question number 43' : 'question number 42');
    await page.waitForFunction(() => document.querySelector('.count')?.textContent?.startsWith('1 of'));
    assert.equal(await heading.count(), 0, 'the hidden row left the detail');
    assert.match((await page.locator('.detail').textContent()) ?? '', /Select a row/);
    // The search emptied by hand (Esc would also drop the selection): the row is shown again, and so is its detail.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.waitForFunction(() => document.querySelector('.count')?.textContent?.startsWith('200 of'));
    assert.match((await heading.textContent()) ?? '', new RegExp(`^Row #${id} `), 'it comes back when the filter shows it again');
    // Relabelled so that it no longer fits the confusion cell it was picked from: it leaves the list, the detail keeps
    // it with "Saved." so the person sees the label went through.
    const cell = page.locator('[data-testid=confusion] td[data-human=no][data-judge=yes]');
    const inCell = Number(await cell.textContent());
    await cell.click();
    await page.locator('.vrow').first().click();
    const picked = (await page.locator('.vrow.selected').getAttribute('data-id'))!;
    await page.locator('[data-testid=relabel] vscode-button[data-label=yes]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'relabel', exampleId: picked, label: 'yes' });
    await postToPage(page, { type: 'relabeled', exampleId: picked, label: 'yes' });
    await page.locator('[data-testid=relabel]', { hasText: 'Saved.' }).waitFor();
    assert.match((await count(page)) ?? '', new RegExp(`^${inCell - 1} of 200 rows`));
    assert.equal(await page.locator(`.vrow[data-id="${picked}"]`).count(), 0, 'the row left the filtered list');
    assert.match((await heading.textContent()) ?? '', new RegExp(`^Row #${picked} · \\w+ · match`));
    await page.close();
  });

  test('trace text is shown as text: no element, no script, no link from data', async () => {
    const hostile = rows(3);
    hostile[0] = {
      ...hostile[0]!,
      explanation: '<img src=x onerror=alert(1)> </script><script>alert(2)</script> [click](javascript:alert(3))',
      fields: [['user_query', '<img src=x onerror=alert(1)>'], ['chatgpt_response', '<a href="javascript:alert(4)">link</a> </script>']],
    };
    const page = await loaded('dark', hostile);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.locator('.vrow[data-id="1"]').click();
    await page.locator('[data-testid=detail-explanation]').waitFor();
    assert.equal(await page.locator('#app img').count(), 0, 'no img element was created');
    assert.equal(await page.locator('#app a').count(), 0, 'no link was created');
    assert.equal(await page.locator('#app script').count(), 0);
    assert.ok(((await page.locator('[data-testid=detail-explanation]').textContent()) ?? '').includes('<img src=x onerror=alert(1)>'));
    assert.ok(((await page.locator('.detail').textContent()) ?? '').includes('<a href="javascript:alert(4)">link</a>'));
    // A script from the data would have run by the time two more frames are painted.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.equal(dialogs, 0);
    await page.close();
  });

  test('the header shows what the run bought: requests, cached, tokens, cost and latency; an unknown price says how to set one', async () => {
    const page = await loaded();
    const usage = page.locator('[data-testid=usage]');
    assert.equal(await usage.textContent(), '1,234 requests (56 cached) · 410k in / 32k out tokens · $0.410 · p50 820 ms / p95 2.1 s');
    assert.equal(await usage.getAttribute('title'), 'Priced as gpt-4o-mini (list price 2025-08)');
    // A model without a price.
    await postToPage(page, runMessage(rows(200), 4, { ...USAGE, usd: null, pricedAs: null, latencyMs: null }));
    await page.waitForFunction(() => document.querySelector('[data-testid=usage]')?.textContent?.includes('unknown'));
    assert.equal(await usage.textContent(), '1,234 requests (56 cached) · 410k in / 32k out tokens · cost unknown (set judgeAlign.prices)');
    // A run recorded without totals (a failed run) shows no line rather than zeros.
    await postToPage(page, runMessage(rows(200), 5, null));
    await page.waitForFunction(() => document.querySelector('[data-testid=usage]')?.hasAttribute('hidden'));
    await page.close();
  });

  test('screen readers hear the active row and where it is in the list', async () => {
    const page = await loaded();
    const list = page.locator('[data-testid=rows]');
    await list.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const active = await list.getAttribute('aria-activedescendant');
    assert.ok(active, 'the list names its active option');
    const option = page.locator(`[id="${active}"]`);
    assert.equal(await option.getAttribute('role'), 'option');
    assert.equal(await option.getAttribute('aria-selected'), 'true');
    assert.equal(await option.getAttribute('aria-posinset'), '2');
    assert.equal(await option.getAttribute('aria-setsize'), '200');
    // Far down the list the options still count from the top of the whole list, not of the rendered window.
    await page.keyboard.press('End');
    const last = page.locator(`[id="${await list.getAttribute('aria-activedescendant')}"]`);
    assert.equal(await last.getAttribute('aria-posinset'), '200');
    assert.equal(await last.getAttribute('data-id'), await page.locator('.vrow.selected').getAttribute('data-id'));
    await page.close();
  });

  test("the history chart's points are buttons: Enter and Space open their run", async () => {
    const page = await loaded();
    const dots = page.locator('svg.history .dot.agreement');
    assert.equal(await dots.count(), 3);
    assert.equal(await dots.first().getAttribute('role'), 'button');
    assert.notEqual(await page.locator('svg.history').getAttribute('role'), 'img', 'an img role would hide the buttons from screen readers');
    await dots.nth(0).focus();
    await page.keyboard.press('Enter');
    await dots.nth(1).focus();
    await page.keyboard.press(' ');
    const opened = (await posted(page)).filter((m) => m.type === 'openRun');
    assert.deepEqual(opened, [{ type: 'openRun', runId: 1 }, { type: 'openRun', runId: 2 }]);
    await page.close();
  });

  test('a dev-only run says its "All rows" card holds only dev rows, and the test card none', async () => {
    const page = await loaded();
    const list = rows(100).filter((r) => r.split === 'dev');
    const message = runMessage(list, 4) as Extract<ReturnType<typeof runMessage>, { type: 'run' }>;
    await postToPage(page, { ...message, run: { ...message.run, split: 'dev' } });
    await page.waitForFunction(() => document.querySelector('[data-testid=figures-all] .card-title')?.textContent?.includes('dev'));
    assert.equal(await page.locator('[data-testid=figures-all] .card-title').textContent(), 'All rows judged: dev split only');
    assert.match((await page.locator('[data-testid=figures-test]').textContent()) ?? '', /not in this run \(a dev-only run\)/);
    assert.doesNotMatch((await page.locator('[data-testid=figures-dev]').textContent()) ?? '', /not in this run/);
    await page.close();
  });

  test('a narrow panel (half a window) shows the figures side by side and the rows right under them', async () => {
    const page = await openWorkbench(harness.browser, harness.url, 'dark', { width: 520, height: 820 });
    await postToPage(page, initMessage(3));
    await postToPage(page, runMessage(rows(200)));
    await page.locator('.vrow').first().waitFor();
    const box = async (sel: string) => (await page.locator(sel).first().boundingBox())!;
    const [all, test_] = [await box('[data-testid=figures-all]'), await box('[data-testid=figures-test]')];
    assert.equal(Math.round(all.y), Math.round(test_.y), 'the three cards share a row');
    const list = await box('[data-testid=rows]');
    assert.ok(list.y < 820 * 0.6, `the rows start in the upper part of the panel (at ${list.y} px)`);
    assert.ok((await box('.confusion')).y > list.y, 'the confusion matrix comes after the rows');
    await page.screenshot({ path: path.join(shots, 'workbench-narrow.png') });
    await page.close();
  });

  test('the page needs nothing its CSP refuses: styles ship as a file, no inline style or eval', async () => {
    const page = await loaded();
    await page.locator('[data-testid=confusion] td').first().click();
    await page.locator('.vrow').first().click();
    // The stylesheet applied (the list scrolls inside its own box) and nothing was refused.
    assert.equal(await page.locator('.vlist').evaluate((el) => getComputedStyle(el).overflowY), 'auto');
    assert.deepEqual(await cspViolations(page), []);
    await page.close();
  });

  test('malformed host messages are reported, not applied', async () => {
    const page = await loaded();
    await postToPage(page, { type: 'rows', rows: [{ id: 1 }], done: 'x' });
    await page.locator('.error').waitFor();
    assert.match((await page.locator('.error').textContent()) ?? '', /ignored a message/);
    assert.match((await count(page)) ?? '', /^200 of 200/);
    await page.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`renders in the ${theme} theme (screenshot)`, async () => {
      const page = await loaded(theme);
      await page.locator('[data-testid=confusion] td[data-human=yes][data-judge=no]').click();
      await page.locator('.vrow').first().click();
      const file = path.join(shots, `workbench-${theme}.png`);
      await page.screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 10_000);
      // The light screenshot in docs/ comes from here (VS Code's light theme colours); the dark one from the UI test.
      if (theme === 'light' && process.env.UPDATE_DOCS === '1') fs.copyFileSync(file, path.join(REPO_ROOT, 'docs', 'workbench-light.png'));
      await page.close();
    });
  }
});
