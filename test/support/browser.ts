// Debian's Chromium driven by playwright-core: the client that makes code-server start an extension host,
// and the eyes of the UI tests (screenshots under test-results/screenshots/<test>/).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from './codeServer';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page on a VS Code window, with helpers named after what a person does. */
export class Workbench {
  private shot = 0;
  readonly screenshotDir: string;

  constructor(
    readonly page: Page,
    testName: string,
  ) {
    this.screenshotDir = path.join(REPO_ROOT, 'test-results', 'screenshots', testName);
    fs.rmSync(this.screenshotDir, { recursive: true, force: true });
    fs.mkdirSync(this.screenshotDir, { recursive: true });
  }

  static async open(browser: Browser, url: string, testName: string, viewport = { width: 1400, height: 900 }): Promise<Workbench> {
    const context = await browser.newContext({ viewport, colorScheme: 'dark' });
    const page = await context.newPage();
    const wb = new Workbench(page, testName);
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The explorer is ready when the folder's files are listed.
    await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
    return wb;
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.screenshotDir, `${String(++this.shot).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async openFile(name: string): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
    await this.page.locator('.tab', { hasText: name }).first().waitFor({ timeout: 30_000 });
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** Opens a file through Quick Open (the title bar's command center), for files the explorer does not list. */
  async openFileByQuickOpen(name: string): Promise<void> {
    await this.page.locator('.command-center-center').click();
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab', { hasText: name }).first().waitFor({ timeout: 30_000 });
  }

  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    // F1 can be lost while a webview holds the focus, and right after a (re)load the palette can open before the
    // commands are listed: retry, the last time through the title bar's command center instead of the key.
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt < 3) await this.page.keyboard.press('F1');
        else await this.page.locator('.command-center-center').click();
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill(`>${title}`);
        await this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
        break;
      } catch (err) {
        await this.page.keyboard.press('Escape');
        if (attempt === 3) {
          await this.screenshot('command-not-found');
          throw new Error(`The command palette did not offer "${title}" after 3 tries: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
      }
    }
    await this.page.keyboard.press('Enter');
  }

  codeLens(text: string | RegExp): Locator {
    return this.page.locator('.monaco-editor .codelens-decoration a', { hasText: text });
  }

  /** A notification toast; `waitFor()` on it resolves once its fade-in is over, so screenshots show it whole. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast.notification-fade-in-done', { hasText: text });
  }

  /** Clears every notification, so later screenshots are not covered by earlier toasts (Escape only blurs them). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 10_000 });
    // The palette fades out after Enter; a screenshot taken during the fade shows its ghost over the page.
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** A modal dialog (showWarningMessage with `modal: true`) holding the text. */
  dialog(text: string | RegExp): Locator {
    return this.page.locator('.monaco-dialog-box', { hasText: text });
  }

  /** A button of the open modal dialog. */
  dialogButton(label: string): Locator {
    return this.page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: label });
  }

  /**
   * A webview's content. VS Code lays webview frames over the page outside the part that shows them, in the order
   * they were created, so a test with two tells them apart by that order.
   */
  webview(which: 'first' | 'last' = 'first'): FrameLocator {
    const frames = this.page.frameLocator('iframe.webview.ready');
    return (which === 'first' ? frames.first() : frames.last()).frameLocator('#active-frame');
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
