import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { RunningDemo } from '../../demo/src/demo.js';
import { DEMO_OPERATOR } from '../../demo/src/demo-token.js';
import { signInUrl } from '../../demo/src/demo-urls.js';
import { FIXTURES } from '../support/fixtures.js';
import { setPoint, startSite } from '../support/site-harness.js';
import { launch, OPERATOR_TOKEN, screenshot, startDashboardSite } from './dashboard-browser.js';

/**
 * Ack from the dashboard with the REAL alarm engine: raise an alarm in the
 * simulator, see it appear, sign in as operator, ack it, see its state change
 * live.
 */
describe('e2e: operator acks an alarm from the dashboard', function () {
  this.timeout(30_000);
  let browser: Browser | undefined;
  let site: RunningDemo | undefined;

  before(async function () {
    browser = await launch(this);
  });
  after(async () => browser?.close());
  afterEach(async () => {
    await site?.stop();
    site = undefined;
  });

  it('signs in as operator, acks a raised alarm and sees it become acknowledged', async () => {
    site = await startDashboardSite();
    const running = site;
    const health = (await (await fetch(`${running.urls.dashboard}api/health`)).json()) as { features: { alarmControl: boolean } };
    assert.equal(health.features.alarmControl, true, 'the gateway wires its alarm engine into the HTTP API');
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(running.urls.dashboard);
      await page.locator('#link', { hasText: 'live' }).waitFor({ timeout: 10_000 });
      await page.click('#sign-in');
      await page.fill('#token', OPERATOR_TOKEN);
      await page.click('#login button[type="submit"]');
      await page.locator('#me', { hasText: 'env-operator (operator)' }).waitFor({ timeout: 5000 });

      await setPoint(running.urls.simulator, 'gas-1', 'lel1', 62.5);
      const alarm = page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"]');
      await alarm.locator('button[data-action="ack"]').waitFor({ timeout: 10_000 });
      assert.equal(await alarm.getAttribute('data-state'), 'unacknowledged');
      await screenshot(page, 'dashboard-ack-before');
      await alarm.locator('button[data-action="ack"]').click();
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"][data-state="acknowledged"]').waitFor({ timeout: 10_000 });
      await page.locator('#notice', { hasText: 'is now acknowledged' }).waitFor({ timeout: 5000 });
      await page.locator('#history li[data-event="ack"]').first().waitFor({ timeout: 5000 });
      assert.equal(await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"] button[data-action="ack"]').count(), 0);
      await screenshot(page, 'dashboard-ack-after');
    } finally {
      await page.close();
    }
  });

  it("signs in from the demo banner's link with the run's own token, drops it from the address bar, and acks", async () => {
    // No token configured: the demo makes one for the run, as `npm start` does.
    site = await startSite(join(FIXTURES, 'gas-site.yaml'));
    const running = site;
    const token = running.operatorToken;
    assert.ok(token, 'the demo made an operator token');
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(signInUrl(running.urls.dashboard, token));
      await page.locator('#me', { hasText: `${DEMO_OPERATOR} (operator)` }).waitFor({ timeout: 10_000 });
      assert.equal(page.url(), running.urls.dashboard, 'the token left the address bar');
      assert.equal(await page.evaluate(() => localStorage.getItem('lifeline.token')), token, 'kept where Sign-in keeps it');
      assert.equal(await page.locator('#sign-in').isHidden(), true);

      await setPoint(running.urls.simulator, 'gas-1', 'lel1', 60);
      const alarm = page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"]');
      await alarm.locator('button[data-action="ack"]').click({ timeout: 10_000 });
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"][data-state="acknowledged"]').waitFor({ timeout: 10_000 });
    } finally {
      await page.close();
    }
  });
});
