import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunningDemo } from '../../demo/src/demo.js';
import { isLifelineError } from '../../gateway/src/errors.js';
import { FIXTURES } from '../support/fixtures.js';
import { startSite } from '../support/site-harness.js';

interface DeviceRow {
  id: string;
  comm: { state: string };
  connection: string;
  breaker: string;
  counters: { requests: number; timeouts: number; writes: number };
  latency: { count: number; counts: number[]; bucketsMs: number[] };
}

describe('gateway acquisition against the firmware simulator', () => {
  let site: RunningDemo;

  beforeEach(async () => {
    site = await startSite(join(FIXTURES, 'gas-site.yaml'));
  });
  afterEach(async () => {
    await site?.stop();
  });

  const devices = async () => (await (await fetch(`${site.urls.dashboard}api/devices`)).json()) as DeviceRow[];

  it('shows comm counters and the latency histogram in /api/devices', async () => {
    const deadline = Date.now() + 5000;
    let row: DeviceRow | undefined;
    while (Date.now() < deadline) {
      row = (await devices())[0];
      if (row && row.comm.state === 'online' && row.counters.requests >= 5) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(row?.comm.state, 'online');
    assert.equal(row?.breaker, 'closed');
    assert.match(row?.connection ?? '', /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.ok((row?.counters.requests ?? 0) >= 5);
    assert.equal(row?.counters.timeouts, 0);
    assert.equal(row?.latency.counts.at(-1), row?.latency.count, 'the +Inf bucket holds every sample');
    assert.equal(row?.latency.counts.length, (row?.latency.bucketsMs.length ?? 0) + 1);
  });

  it('writes a relay through the DeviceWriter and the simulator holds it', async () => {
    await site.gateway.acquisition.writePoint('gas-1', 'valve-close', true);
    const res = await fetch(`${site.urls.simulator}/devices/gas-1/points/valve-close`);
    assert.equal(((await res.json()) as { value: unknown }).value, true);
    assert.ok(site.gateway.acquisition.deviceHealth()[0]?.counters.writes === 1);
    await assert.rejects(site.gateway.acquisition.writePoint('gas-1', 'lel1', 3), (e) => isLifelineError(e, 'LL_ERR_WRITE_NOT_WRITABLE'));
  });

  it('feeds /metrics poll counters, /api/twin and the trend history from the running subsystems', async () => {
    const text = async () => (await fetch(`${site.urls.dashboard}metrics`)).text();
    const deadline = Date.now() + 5000;
    let metrics = await text();
    while (!/^lifeline_poll_requests_total\{device="gas-1",outcome="ok"[^}]*\} [1-9]/m.test(metrics) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      metrics = await text();
    }
    assert.match(metrics, /^lifeline_poll_requests_total\{device="gas-1",outcome="ok"[^}]*\} [1-9]/m);
    assert.match(metrics, /^lifeline_poll_request_duration_seconds_count\{[^}]*device="gas-1"[^}]*\} [1-9]/m);
    assert.match(metrics, /^lifeline_outbox_depth\{lane="alarm"[^}]*\} \d+/m);

    const twin = (await (await fetch(`${site.urls.dashboard}api/twin`)).json()) as {
      site: string;
      version: number;
      reported: { devices: Record<string, { comm: string }> };
    };
    assert.equal(twin.site, 'test-site');
    assert.ok(twin.version >= 1);
    assert.equal(twin.reported.devices['gas-1']?.comm, 'online');

    const history = (await (await fetch(`${site.urls.dashboard}api/points/gas-1/lel1/history`)).json()) as { samples: unknown[] };
    assert.ok(history.samples.length > 0, 'the trend has samples');
  });
});
