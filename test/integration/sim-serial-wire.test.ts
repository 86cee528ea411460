import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { frameTimeMs, SIM_TURNAROUND_MS } from '../../firmware-sim/src/modbus/serial-wire.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { createModbusClient } from '../../gateway/src/transports/modbus-serial.js';
import { rebind } from '../fixtures/sim/rebind.js';
import { FIXTURES } from '../support/fixtures.js';
import { requireBinary } from '../support/services.js';

/** The simulator's RTU line on a pty behaves like a 9,600-baud bus: an answer never comes before its wire time. */
describe('simulator serial line wire time (socat pty)', function () {
  this.timeout(30_000);
  let sim: FirmwareSimulator | undefined;
  let tmp: string;

  afterEach(async () => {
    await sim?.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers a 6-register read no sooner than request + turnaround + answer at 9,600 baud', async function () {
    requireBinary(this, '/usr/bin/socat', 'socat');
    tmp = await mkdtemp(join(tmpdir(), 'lifeline-wire-'));
    const site = rebind(await loadSiteConfig(join(FIXTURES, 'sim/faults-site.yaml')), tmp);
    sim = new FirmwareSimulator({ ...site, devices: site.devices.filter((d) => d.id === 'ws-serial') }, pino({ level: 'silent' }));
    const served = (await sim.start()).served.get('ws-serial');
    assert.ok(served?.kind === 'modbus-rtu');
    assert.equal(served.baudRate, 9600);
    const client = createModbusClient();
    await client.connectRTUBuffered(served.serialPort, { baudRate: 9600 });
    client.setID(served.unitId);
    client.setTimeout(2000);
    try {
      const least = frameTimeMs(8, 9600) + SIM_TURNAROUND_MS + frameTimeMs(5 + 12, 9600);
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const answer = await client.readInputRegisters(0, 6);
        const elapsed = performance.now() - t0;
        assert.equal(answer.data.length, 6);
        assert.ok(elapsed >= least - 0.5, `answer after ${elapsed.toFixed(1)} ms, wire time ${least.toFixed(1)} ms`);
      }
    } finally {
      await new Promise<void>((r) => client.close(() => r()));
    }
  });
});
