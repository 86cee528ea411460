import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type RunningCentre, startCentre } from '@lifeline/twin/centre';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
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
    site = await startSite(join(FIXTURES, 'gas-site.yaml'), { centreUrl: broker.url });
    await waitUntil(() => memoryOf(centre)?.twinNow('test-site', 'gw-test')?.reported !== undefined, 8000, 'the first twin');
  });

  after(async () => {
    await browser?.close();
    await site?.stop();
    await centre?.stop();
    await broker?.stop();
  });

  it('lists the alarm with the gateway health, acknowledges it as the signed-in operator, and exports the journal', async () => {
    const page = await (browser as Browser).newPage();
    try {
      await setPoint((site as RunningDemo).urls.simulator, 'gas-1', 'lel1', 70);
      await page.goto(`${centre?.url}/console/`);
      const item = page.locator('[data-alarm="test-site/gw-test/gas-1/lel1/hihi"]');
      await item.waitFor({ timeout: 10_000 });
      assert.match(String(await item.textContent()), /P1 red.*unacknowledged/i);
      assert.match(String(await page.locator('[data-gateway="test-site/gw-test"]').textContent()), /online/);
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
      await page.locator('#journal tbody tr', { hasText: 'ack' }).first().waitFor({ timeout: 10_000 });
      const csv = await (await fetch(`${centre?.url}${await page.getAttribute('#j-csv', 'href')}`)).text();
      assert.match(csv, /^receivedAt,site,gateway/);
      assert.match(csv, /"test-site","gw-test","[^"]+","\d+","ack","gas-1\/lel1\/hihi"/);
    } finally {
      await page.close();
      await setPoint((site as RunningDemo).urls.simulator, 'gas-1', 'lel1', 0).catch(() => undefined);
    }
  });
});
