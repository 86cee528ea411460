import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type RunningCentre, startCentre } from '@lifeline/twin/centre';
import { pino } from 'pino';
import type { Browser, Locator, Page } from 'playwright-core';
import type { RunningDemo } from '../../demo/src/demo.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { FIXTURES } from '../support/fixtures.js';
import { MOSQUITTO, requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';
import { memoryOf, waitUntil } from '../support/twin-link.js';
import { launch, screenshot } from './dashboard-browser.js';

const ALICE = 'alice-console-token-0123456789';

/** The centre alarm console in Chromium: a real gateway's alarm, acknowledged by a signed-in operator through the gateway. */
describe('e2e: the centre alarm console in Chromium', function () {
  this.timeout(60_000);
  let broker: MosquittoBroker | undefined;
  let centre: RunningCentre | undefined;
  let site: RunningDemo | undefined;
  let browser: Browser | undefined;

  before(async function () {
    requireBinary(this, MOSQUITTO, 'mosquitto');
    browser = await launch(this);
    broker = new MosquittoBroker();
    await broker.start();
    centre = await startCentre({
      brokerUrl: broker.url,
      httpHost: '127.0.0.1',
      httpPort: 0,
      log: pino({ level: 'silent' }),
      operators: new Map([[ALICE, 'alice']]),
    });
    // Health (and with it the outbox backlog) every 500 ms instead of every minute.
    site = await startSite(join(FIXTURES, 'gas-site.yaml'), {
      centreUrl: broker.url,
      adapt: (s) => ({ ...s, twin: { ...s.twin, healthIntervalMs: 500 } }),
    });
    await waitUntil(() => memoryOf(centre)?.twinNow('test-site', 'gw-test')?.reported !== undefined, 8000, 'the first twin');
  });

  /** Raises gas-1's high-high alarm and opens the console until its row shows. */
  async function openWithAlarm(page: Page): Promise<Locator> {
    await setPoint((site as RunningDemo).urls.simulator, 'gas-1', 'lel1', 70);
    await page.goto(`${centre?.url}/console/`);
    const item = page.locator('[data-alarm="test-site/gw-test/gas-1/lel1/hihi"]');
    await item.waitFor({ timeout: 10_000 });
    return item;
  }

  after(async () => {
    await browser?.close();
    await site?.stop();
    await centre?.stop();
    await broker?.stop();
  });

  it('reads in Chinese from the browser locale, with 24-hour dated times, and keeps the switch to English over a reload', async () => {
    const context = await (browser as Browser).newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      const item = await openWithAlarm(page);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal(await page.locator('#alarms-title [data-i18n]').textContent(), '当前报警');
      assert.equal(await page.locator('#login button[type="submit"]').textContent(), '登录');
      assert.equal(await item.locator('.level').textContent(), 'Ⅰ级（红）');
      assert.match(String(await item.locator('.state').textContent()), /^(未确认|已确认)$/);
      assert.match(String(await item.locator('.what').textContent()), /gas-1 · lel1 · 高高限报警：70 %LEL（限值 \d+ %LEL）/);
      // 24-hour local time with the date, in the page's own time zone.
      assert.match(String(await item.locator('.meta').textContent()), /^报警时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      await page.locator('[data-gateway="test-site/gw-test"]', { hasText: '在线' }).waitFor();
      assert.match(String(await page.locator('#gateways thead').textContent()), /站点.*网关.*最近上报/);
      assert.equal(await page.locator('#f-priority option[value="2"]').textContent(), 'Ⅱ级（橙）');
      assert.equal(await page.locator('#link').textContent(), '已连接中心');
      await screenshot(page, 'centre-console-zh');

      await page.selectOption('#lang', 'en');
      await page.locator('#alarms-title', { hasText: 'Active alarms' }).waitFor();
      await page.reload();
      await item.waitFor({ timeout: 10_000 });
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(await page.inputValue('#lang'), 'en');
      assert.equal(await item.locator('.level').textContent(), 'I (red)');
      assert.equal(await page.title(), 'Lifeline centre — alarm console');
    } finally {
      await context.close();
    }
  });

  it('lists the alarm with the gateway health, acknowledges it as the signed-in operator, and exports the journal', async () => {
    const context = await (browser as Browser).newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      const item = await openWithAlarm(page);
      assert.match(String(await item.textContent()), /I \(red\).*gas-1 · lel1 · high-high.*unacknowledged/);
      assert.match(String(await page.locator('[data-gateway="test-site/gw-test"]').textContent()), /online/);
      // The outbox backlog the gateway reports with its health: what it holds for the centre, every sink in the title.
      const backlog = page.locator('[data-gateway="test-site/gw-test"] td[data-backlog]');
      await backlog.waitFor({ timeout: 10_000 });
      assert.match(String(await backlog.textContent()), /^\d+$/);
      assert.match(String(await backlog.getAttribute('title')), /^centre: alarm \d+ · twin \d+ · telemetry \d+$/m);
      assert.equal(await item.locator('[data-action="ack"]').count(), 0, 'no actions before signing in');

      await page.fill('#token', ALICE);
      await page.click('#login button[type="submit"]');
      await page.locator('#me', { hasText: 'signed in as alice' }).waitFor();
      await page.selectOption('#f-priority', '4');
      assert.equal(await item.count(), 0, 'filtered out by priority');
      await page.selectOption('#f-priority', '1');
      await item.locator('[data-action="ack"]').click();
      await page.locator('#notice', { hasText: 'done by the gateway' }).waitFor({ timeout: 10_000 });
      await page
        .locator('[data-alarm="test-site/gw-test/gas-1/lel1/hihi"] .state', { hasText: /^acknowledged$/ })
        .waitFor({ timeout: 10_000 });
      await screenshot(page, 'centre-console');

      const [request] = await (centre as RunningCentre).store.requests({ site: 'test-site' });
      assert.deepEqual([request?.name, request?.operator, request?.ok], ['ack', 'alice', true]);
      assert.equal((request?.body.by as { user?: string } | undefined)?.user, 'alice');

      await page.fill('#j-text', 'lel1');
      await page.click('#journal-search button[type="submit"]');
      await page.locator('#journal tbody tr[data-event="ack"]').first().waitFor({ timeout: 10_000 });
      const csv = await (await fetch(`${centre?.url}${await page.getAttribute('#j-csv', 'href')}`)).text();
      assert.match(csv, /^receivedAt,site,gateway/);
      assert.match(csv, /"test-site","gw-test","[^"]+","\d+","ack","gas-1\/lel1\/hihi"/);
    } finally {
      await context.close();
      await setPoint((site as RunningDemo).urls.simulator, 'gas-1', 'lel1', 0).catch(() => undefined);
    }
  });
});
