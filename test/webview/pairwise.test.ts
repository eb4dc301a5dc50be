import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { openWorkbench, posted, postToPage, useWebviewHarness, WEBVIEW_SHOTS, type Theme } from './harness';
import { PAIR_FIGURES, pairInitMessage, pairRows, pairRunMessage } from './pairFixtures';

const harness = useWebviewHarness('workbench');

async function loaded(theme: Theme = 'dark'): Promise<Page> {
  const page = await openWorkbench(harness.browser, harness.url, theme);
  await postToPage(page, pairInitMessage());
  await postToPage(page, pairRunMessage());
  await page.locator('.vrow').first().waitFor();
  return page;
}

async function filterStatus(page: Page, value: string): Promise<void> {
  await page.locator('[data-testid=filter-status]').evaluate((el, v) => {
    (el as HTMLElement & { value: string }).value = v;
    el.dispatchEvent(new Event('change'));
  }, value);
}

const count = (page: Page) => page.locator('.count').textContent();

describe('pairwise rows in the workbench webview', () => {
  const list = pairRows();
  const inconsistent = list.filter((r) => r.pair?.consistent === false);
  const firstShown = list.filter((r) => r.pair?.firstShownWins);

  test('the header shows position bias and verbosity beside agreement', async () => {
    const page = await loaded();
    assert.equal(await page.locator('[data-testid=figures-position] .big').textContent(), `${((PAIR_FIGURES.position.consistency ?? 0) * 100).toFixed(1)}%`);
    assert.match((await page.locator('[data-testid=figures-position]').textContent()) ?? '', /consistent: 20 of 36 pairs judged both ways/);
    assert.match((await page.locator('[data-testid=first-shown]').textContent()) ?? '', /first shown wins 63\.2% \(95% CI 52\.0% – 73\.0%\) · 50% is no bias/);
    assert.match((await page.locator('[data-testid=by-order]').textContent()) ?? '', /as written 70\.0% \(40\) · swapped 58\.0% \(36\)/);
    assert.match((await page.locator('[data-testid=figures-verbosity]').textContent()) ?? '', /71\.0%judge picks the longer responsehumans 55\.0% · 31 pairs differing by more than 10%/);
    // The confusion has the judge's "inconsistent" column, no human row of it.
    assert.deepEqual(await page.locator('[data-testid=confusion] tr th:first-child').allTextContents(), ['human ↓ judge →', '1', '2']);
    assert.equal(await page.locator('[data-testid=confusion] td[data-judge=inconsistent]').count(), 2);
    // The history charts consistency beside agreement and kappa.
    assert.equal(await page.locator('svg.history circle.consistency').count(), 3);
    assert.match((await page.locator('.history-panel .legend').textContent()) ?? '', /consistency/);
    await page.close();
  });

  test('filters: inconsistent pairs, and pairs where the response shown first won', async () => {
    const page = await loaded();
    assert.ok(inconsistent.length > 0 && firstShown.length > 0 && firstShown.length < inconsistent.length);
    await filterStatus(page, 'inconsistent');
    assert.match((await count(page)) ?? '', new RegExp(`^${inconsistent.length} of ${list.length} rows`));
    const shown = await page.locator('.vrow:visible').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.ok(shown.length > 0 && shown.every((t) => t.includes('inconsistent')), shown.join('\n'));
    await filterStatus(page, 'first-shown');
    assert.match((await count(page)) ?? '', new RegExp(`^${firstShown.length} of ${list.length} rows`));
    assert.match((await page.locator('.vrow .r2').first().textContent()) ?? '', /output_1 shown first → A = output_1 \(1\) · output_2 shown first → A = output_2 \(2\)/);
    await page.close();
  });

  test('a pair reads side by side: both responses, both orders with their explanations, the human choice', async () => {
    const page = await loaded();
    await filterStatus(page, 'first-shown');
    const row = firstShown[0]!;
    await page.locator(`.vrow:visible[data-id="${row.id}"]`).click();
    const detail = page.locator('.detail');
    assert.match((await detail.locator('h2').textContent()) ?? '', new RegExp(`Pair #${row.id} .* mismatch\\s*inconsistent\\s*first shown wins`));
    assert.match((await detail.locator('[data-testid=pair-verdict]').textContent()) ?? '', /judge inconsistent: the orders disagree/);
    const sides = detail.locator('[data-testid=pair-sides] .side-response');
    assert.equal(await sides.count(), 2);
    assert.equal(await sides.nth(0).locator('pre').textContent(), row.pair!.responses[0]!.text);
    assert.equal(await sides.nth(1).locator('pre').textContent(), row.pair!.responses[1]!.text);
    // Side by side: the two responses sit on one line.
    const [a, b] = [await sides.nth(0).boundingBox(), await sides.nth(1).boundingBox()];
    assert.ok(a && b && Math.abs(a.y - b.y) < 2 && b.x > a.x + a.width - 1, 'the responses are side by side');
    const humanSide = row.human === '1' ? 0 : 1;
    assert.match((await sides.nth(humanSide).locator('h3').textContent()) ?? '', /human’s choice/);
    assert.match((await detail.locator('[data-testid=order-original]').textContent()) ?? '', /As written · A = output_1, B = output_2answered A → output_1 \(1\)/);
    assert.match((await detail.locator('[data-testid=order-swapped]').textContent()) ?? '', /Swapped · A = output_2, B = output_1answered A → output_2 \(2\)/);
    assert.equal(await detail.locator('[data-testid=order-swapped] pre').textContent(), row.pair!.orders[1]!.explanation);
    await page.screenshot({ path: path.join(WEBVIEW_SHOTS, 'pairwise-detail-dark.png') });
    // The human's choice changes with a click, in the humans' values.
    const other = row.human === '1' ? '2' : '1';
    await detail.locator(`[data-testid=relabel] vscode-button[data-label="${other}"]`).click();
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'relabel'));
    assert.deepEqual((await posted(page)).find((m) => m.type === 'relabel'), { type: 'relabel', exampleId: row.id, label: other });
    await page.close();
  });

  test('a failed order says why, and an unstable row is flagged', async () => {
    const page = await loaded('light');
    const failed = list.find((r) => r.status === 'failed')!;
    await page.locator('[data-testid=search]').evaluate((el) => (el as HTMLElement).focus());
    await page.keyboard.type(failed.id);
    await page.locator(`.vrow:visible[data-id="${failed.id}"]`).click();
    assert.match((await page.locator('.detail [data-testid=order-swapped]').textContent()) ?? '', /answered nothing usable.*HTTP 500/);
    await page.keyboard.press('Escape');
    const unstable = list.find((r) => r.unstable)!;
    await page.locator('[data-testid=search]').evaluate((el) => (el as HTMLElement).focus());
    await page.keyboard.type(unstable.id);
    assert.match((await page.locator(`.vrow:visible[data-id="${unstable.id}"] .badge.unstable`).textContent()) ?? '', /unstable/);
    await page.locator(`.vrow:visible[data-id="${unstable.id}"]`).click();
    await page.screenshot({ path: path.join(WEBVIEW_SHOTS, 'pairwise-detail-light.png') });
    await page.close();
  });
});
