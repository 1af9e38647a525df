// Developer aid: `node --import tsx scripts/screenshot.ts <url> <out.png> [width] [height]`
import { launchChromium } from '../tests/e2e/browser.ts';

const [url = 'http://127.0.0.1:4800', out = '/tmp/shot.png', w = '1400', h = '900'] = process.argv.slice(2);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) }, locale: 'zh-CN' });
page.on('console', (m) => console.log(`[console.${m.type()}] ${m.text()}`));
page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
await page.goto(url);
await page.waitForTimeout(Number(process.env.WAIT ?? 2500));
await page.screenshot({ path: out, fullPage: false });
await browser.close();
console.log(`saved ${out}`);
