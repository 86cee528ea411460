import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { withDeviceEndpoints } from '../../core/src/index.js';
import type { RunningDemo } from '../../demo/src/demo.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { FIXTURES } from '../support/fixtures.js';
import { startSite } from '../support/site-harness.js';

interface PointView {
  point: string;
  value: unknown;
  quality: string;
  reason?: string;
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await probe();
  }
  return last;
}

describe('gateway through a device outage', () => {
  let site: RunningDemo;
  let replacement: FirmwareSimulator | undefined;

  beforeEach(async () => {
    site = await startSite(join(FIXTURES, 'gas-site.yaml'));
  });
  afterEach(async () => {
    await replacement?.stop();
    await site?.stop();
  });

  const points = async () => (await (await fetch(`${site.urls.dashboard}api/points`)).json()) as PointView[];
  const health = async () => (await (await fetch(`${site.urls.dashboard}api/health`)).json()) as { devices: Record<string, string> };

  it('marks points bad with the reason while the device is gone, and recovers when it returns', async () => {
    await until(health, (h) => h.devices['gas-1'] === 'online', 5000, 'online');
    const device = site.gateway.config.devices[0];
    assert.ok(device?.transport === 'modbus' && device.modbus.framing === 'tcp');
    const modbusPort = device.modbus.port;
    await site.simulator.stop();

    const bad = await until(points, (ps) => ps.every((p) => p.quality === 'bad'), 5000, 'bad quality');
    assert.match(bad[0]?.reason ?? '', /LL_ERR|Modbus|ECONNREFUSED|ECONNRESET|closed|Port Not Open/i);
    assert.equal((await health()).devices['gas-1'], 'offline');

    // The same device comes back on the same port: the poller reconnects with backoff.
    replacement = new FirmwareSimulator(
      withDeviceEndpoints(site.site, new Map([['gas-1', { host: '127.0.0.1', port: modbusPort }]])),
      pino({ level: 'silent' }),
    );
    await replacement.start('127.0.0.1', 0);
    replacement.devices.get('gas-1')?.setValue('lel2', 7.5);
    const back = await until(points, (ps) => ps.find((p) => p.point === 'lel2')?.value === 7.5, 15_000, 'recovery');
    assert.ok(back.every((p) => p.quality === 'good'));
    assert.equal((await health()).devices['gas-1'], 'online');
  });
});
