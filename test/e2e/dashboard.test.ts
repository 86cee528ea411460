import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { RunningDemo } from '../../demo/src/demo.js';
import { setPoint } from '../support/site-harness.js';
import { type Harness, harness, TOKENS, transition } from '../unit/http/http-fake-view.js';
import { launch, screenshot, startDashboardSite } from './dashboard-browser.js';

/**
 * The built-in dashboard in headless Chromium against a real gateway polling
 * the firmware simulator: live values, device health, an alarm raised in the
 * simulator appearing live, trends, a phone-sized layout and reconnection.
 */
describe('e2e: dashboard in Chromium', function () {
  this.timeout(30_000);
  let browser: Browser | undefined;
  let site: RunningDemo | undefined;

  before(async function () {
    browser = await launch(this);
  });
  after(async () => browser?.close());
  beforeEach(async () => {
    site = await startDashboardSite();
  });
  afterEach(async () => {
    await site?.stop();
    site = undefined;
  });

  it('shows live values, device health and an alarm raised in the simulator, with its trend', async () => {
    const running = site as RunningDemo;
    const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(running.urls.dashboard);
      await page.locator('#link', { hasText: 'live' }).waitFor({ timeout: 10_000 });
      await page.locator('#devices li[data-device="gas-1"][data-comm="online"]').waitFor({ timeout: 10_000 });

      await setPoint(running.urls.simulator, 'gas-1', 'lel3', 12.3);
      const lel3 = page.locator('tr[data-point="gas-1/lel3"] td.num');
      await lel3.filter({ hasText: '12.30' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('tr[data-point="gas-1/lel3"] td.quality').textContent(), 'good');
      assert.equal(await page.locator('tr[data-point="gas-1/lel3"] td').nth(3).textContent(), '%LEL');
      assert.equal(await page.locator('#overview .tile[data-device="gas-1"]').getAttribute('data-status'), 'ok');

      await setPoint(running.urls.simulator, 'gas-1', 'lel1', 62.5);
      const alarm = page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"]');
      await alarm.waitFor({ timeout: 10_000 });
      assert.equal(await alarm.getAttribute('data-state'), 'unacknowledged');
      assert.match((await alarm.getAttribute('class')) ?? '', /p-red/);
      assert.match((await alarm.textContent()) ?? '', /62\.50 %LEL \(limit 50 %LEL\)/);
      // hi (orange) follows after its 1 s on-delay; the red hihi sorts first.
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hi"].p-orange').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#alarm-count').textContent(), '2');
      assert.equal(await page.locator('#alarms li').first().getAttribute('data-alarm'), 'gas-1/lel1/hihi');
      await page.locator('#overview .tile[data-device="gas-1"][data-status="red"]').waitFor({ timeout: 5000 });
      await page.locator('#history li[data-event="raise"]').first().waitFor({ timeout: 5000 });
      // The analytics panel (analytics.js) counts both raises in its 10-min rate, with no flood.
      await page.locator('#analytics [data-rate="2"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#analytics [data-flood]').getAttribute('data-flood'), 'off');
      assert.match((await alarm.textContent()) ?? '', /sign in as operator to ack/, 'a viewer sees no ack button');
      assert.equal(await alarm.locator('button[data-action="ack"]').count(), 0);

      // The trend of lel1 (the first point with limits) shows samples and the limit lines.
      await page.locator('#trend svg path.line').waitFor({ timeout: 10_000 });
      assert.ok((await page.locator('#trend svg line.limit').count()) >= 2);
      await page.locator('#uplinks li[data-uplink="local"]').waitFor({ timeout: 10_000 });
      await screenshot(page, 'dashboard-desktop');

      await setPoint(running.urls.simulator, 'gas-1', 'lel1', 0);
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"][data-state="returned-unacknowledged"]').waitFor({ timeout: 10_000 });
    } finally {
      await page.close();
    }
  });

  it('is readable on a phone: one column, no sideways scrolling', async () => {
    const running = site as RunningDemo;
    const page = await (browser as Browser).newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await page.goto(running.urls.dashboard);
      await page.locator('#link', { hasText: 'live' }).waitFor({ timeout: 10_000 });
      await setPoint(running.urls.simulator, 'gas-1', 'lel2', 70);
      await page.locator('#alarms li[data-alarm="gas-1/lel2/hihi"]').waitFor({ timeout: 10_000 });
      const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
      const [a, b] = await Promise.all(['#devices-title', '#links-title'].map((s) => page.locator(s).boundingBox()));
      assert.ok(a && b && b.y > a.y, 'sections stack in one column');
      await screenshot(page, 'dashboard-phone');
    } finally {
      await page.close();
    }
  });

  it('reconnects by itself when the WebSocket drops, and gets a fresh snapshot', async () => {
    const running = site as RunningDemo;
    const page = await (browser as Browser).newPage();
    const opened: { close(): Promise<void> }[] = [];
    try {
      await page.routeWebSocket(/\/ws/, (ws) => {
        ws.connectToServer();
        opened.push(ws);
      });
      await page.goto(running.urls.dashboard);
      await page.locator('#link', { hasText: 'live' }).waitFor({ timeout: 10_000 });
      await (opened[0] as { close(): Promise<void> }).close();
      await page.locator('#link', { hasText: 'reconnecting' }).waitFor({ timeout: 5000 });
      await page.locator('#link', { hasText: 'live' }).waitFor({ timeout: 10_000 });
      assert.equal(opened.length, 2, 'a second connection was opened');
      await setPoint(running.urls.simulator, 'gas-1', 'lel4', 7.5);
      await page.locator('tr[data-point="gas-1/lel4"] td.num', { hasText: '7.50' }).waitFor({ timeout: 10_000 });
    } finally {
      await page.close();
    }
  });
});

/**
 * The operator controls in the browser against the real HTTP server over a
 * sinon fake of AlarmControl (the real engine's ack is in dashboard-ack.test.ts).
 */
describe('e2e: dashboard operator controls (fake AlarmControl)', function () {
  this.timeout(30_000);
  let browser: Browser | undefined;
  let h: Harness | undefined;

  before(async function () {
    browser = await launch(this);
  });
  after(async () => browser?.close());
  afterEach(async () => h?.app.close());

  it('signs in, acks and shelves through the API, and shows the new state from the live feed', async () => {
    const harnessed = await harness();
    h = harnessed;
    harnessed.alarms.push(transition());
    // The analytics' own chattering alarm (issue 22): information only, nothing to ack or shelve.
    const chatter = {
      alarmId: 'gw-test/alarms/chatter',
      eventId: 'gw-test/alarms/chatter#1@test',
      device: 'gw-test',
      point: 'alarms',
      condition: 'chatter' as const,
      priority: 4 as const,
      colour: 'blue' as const,
      value: 3,
      limit: 3,
      unit: '',
    };
    harnessed.alarms.push(transition(chatter));
    const publish = (event: 'ack' | 'shelve', state: 'acknowledged' | 'shelved') => {
      const t = transition({ event, state });
      harnessed.alarms.splice(0, 1, t);
      harnessed.bus.emit('alarm', {
        ...t,
        site: 'test-site',
        gateway: 'gw-test',
        publishedAt: new Date().toISOString(),
        seq: 2,
        bootId: 'boot-1',
      });
    };
    harnessed.control.ack.callsFake((alarmId) => {
      publish('ack', 'acknowledged');
      return { ok: true, alarmId, state: 'acknowledged' };
    });
    harnessed.control.shelve.callsFake((alarmId) => {
      publish('shelve', 'shelved');
      return { ok: true, alarmId, state: 'shelved' };
    });
    const url = await harnessed.app.listen({ host: '127.0.0.1', port: 0 });
    const page = await (browser as Browser).newPage();
    try {
      await page.goto(`${url}/`);
      const alarm = page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"]');
      await alarm.waitFor({ timeout: 10_000 });
      assert.equal(await alarm.locator('button').count(), 0, 'no controls before signing in');

      await page.click('#sign-in');
      await page.fill('#token', 'not-a-valid-token-at-all');
      await page.click('#login button[type="submit"]');
      await page.locator('#notice', { hasText: 'token not accepted' }).waitFor({ timeout: 5000 });

      await page.click('#sign-in');
      await page.fill('#token', TOKENS.operator);
      await page.click('#login button[type="submit"]');
      await page.locator('#me', { hasText: 'olga (operator)' }).waitFor({ timeout: 5000 });
      const chattering = page.locator('#alarms li[data-alarm="gw-test/alarms/chatter"]');
      await chattering.locator('.actions.informational', { hasText: 'it clears by itself' }).waitFor({ timeout: 5000 });
      assert.equal(await chattering.locator('button, input').count(), 0, 'no ack, shelve or comment for an analytics alarm');
      assert.match((await chattering.textContent()) ?? '', /chattering alarm/);
      await alarm.locator('button[data-action="ack"]').click();
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"][data-state="acknowledged"]').waitFor({ timeout: 5000 });
      assert.deepEqual(harnessed.control.ack.firstCall.args, ['gas-1/lel1/hihi', { user: 'olga' }]);

      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"] select').selectOption('3600000');
      // Priority 1: shelving needs a comment (alarms.shelveCommentUpTo 2); the page asks before calling the API.
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"] button[data-action="shelve"]').click();
      await page.locator('#notice.bad', { hasText: 'comment is required' }).waitFor({ timeout: 5000 });
      assert.equal(harnessed.control.shelve.callCount, 0);
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"] input.comment').fill('detector swap');
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"] button[data-action="shelve"]').click();
      await page
        .locator('#alarms li[data-alarm="gas-1/lel1/hihi"][data-state="shelved"] button[data-action="unshelve"]')
        .waitFor({ timeout: 5000 });
      assert.deepEqual(harnessed.control.shelve.firstCall.args, ['gas-1/lel1/hihi', 3_600_000, { user: 'olga', comment: 'detector swap' }]);

      harnessed.control.unshelve.returns({ ok: false, code: 'LL_ERR_ALARM_NOT_SHELVED', reason: 'already back in service' });
      await page.locator('button[data-action="unshelve"]').click();
      await page.locator('#notice.bad', { hasText: 'already back in service' }).waitFor({ timeout: 5000 });
      await screenshot(page, 'dashboard-operator');
    } finally {
      await page.close();
    }
  });

  it('with anonymous reads off, signs in and gets the live feed over a WebSocket whose token is never in a URL, with no CSP violation', async () => {
    const harnessed = await harness({ anonymous: 'none' });
    h = harnessed;
    harnessed.alarms.push(transition());
    const url = await harnessed.app.listen({ host: '127.0.0.1', port: 0 });
    const page = await (browser as Browser).newPage();
    const violations: string[] = [];
    const sockets: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('websocket', (ws) => sockets.push(ws.url()));
    try {
      await page.goto(`${url}/`);
      await page.click('#sign-in');
      await page.fill('#token', TOKENS.viewer);
      await page.click('#login button[type="submit"]');
      await page.locator('#me', { hasText: 'vera (viewer)' }).waitFor({ timeout: 5000 });
      // Only the signed-in socket gets the snapshot with the alarm: anonymous ones are refused (401).
      await page.locator('#alarms li[data-alarm="gas-1/lel1/hihi"]').waitFor({ timeout: 10_000 });
      assert.ok(sockets.length > 0);
      assert.deepEqual(
        sockets.filter((u) => u.includes('token')),
        [],
        'no token in a WebSocket URL',
      );
      assert.deepEqual(violations, []);
    } finally {
      await page.close();
    }
  });
});
