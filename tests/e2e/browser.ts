import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this sandboxed, offline machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=zh-CN'],
  });
}

/** A browser profile kept on disk, so IndexedDB (the local database) survives closing the browser. */
export function launchChromiumProfile(userDataDir: string) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    locale: 'zh-CN',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=zh-CN'],
  });
}

/** A fresh page as an operator's terminal shows it: zh-CN, desktop-sized, page errors printed. */
export async function newAppPage(
  browser: Browser,
  opts: { width?: number; height?: number; timeoutMs?: number; acceptDownloads?: boolean; label?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 900 }, locale: 'zh-CN', acceptDownloads: opts.acceptDownloads ?? true });
  context.setDefaultTimeout(opts.timeoutMs ?? 20_000);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${opts.label ? `${opts.label} ` : ''}pageerror]`, e.message));
  return page;
}
