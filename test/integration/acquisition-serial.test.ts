import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcquisitionProbe } from '../support/acquisition-probe.js';
import { type ModbusRequest, ModbusResponder } from '../support/modbus-responder.js';
import { loadTestSite, type TestSite } from '../support/modbus-site.js';
import { requireBinary } from '../support/services.js';

const SOCAT = '/usr/bin/socat';

/**
 * Modbus RTU on a serial port: socat makes a pseudo-terminal whose other end
 * is the RTU responder's TCP socket, so the gateway opens a real tty through
 * the serialport binding and speaks RTU with CRC on it.
 */
describe('acquisition over a serial RTU line (socat pty)', function () {
  this.timeout(30_000);
  let responder: ModbusResponder | undefined;
  let socat: ChildProcess | undefined;
  let dir: string | undefined;
  let site: TestSite | undefined;
  let probe: AcquisitionProbe | undefined;

  afterEach(async () => {
    await probe?.manager.stop();
    if (socat && socat.exitCode === null) {
      const exited = new Promise((r) => socat?.once('exit', r));
      socat.kill('SIGTERM');
      await exited;
    }
    await responder?.stop();
    await site?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
    probe = undefined;
    socat = undefined;
    responder = undefined;
    site = undefined;
    dir = undefined;
  });

  it('shares one serial line between unit ids, one transaction at a time, with the 3.5-character gap', async function () {
    requireBinary(this, SOCAT, 'socat');
    responder = await ModbusResponder.start(
      (req: ModbusRequest) => ({
        kind: 'registers',
        values: Array.from({ length: req.quantity }, (_, i) => req.unitId * 100 + req.address + i),
      }),
      'rtu',
    );
    dir = await mkdtemp(join(tmpdir(), 'lifeline-tty-'));
    const tty = join(dir, 'ttyV0');
    socat = spawn(SOCAT, [`pty,link=${tty},raw,echo=0`, `tcp:127.0.0.1:${responder.port}`], { stdio: 'ignore' });
    const deadline = Date.now() + 5000;
    while (!existsSync(tty)) {
      if (Date.now() > deadline) throw new Error('socat made no pty in 5 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const serial = (id: string, unitId: number) => ({
      id,
      profile: 'test-meter',
      modbus: { serialPort: tty, baudRate: 9600, unitId, timeoutMs: 500 },
      pollIntervalMs: 100,
    });
    site = await loadTestSite([serial('s3', 3), serial('s4', 4)]);
    probe = new AcquisitionProbe(site.config);
    probe.manager.start();
    const p = probe;
    await p.until(() => p.latest('s3', 'r10')?.value === 310 && p.latest('s4', 'r1')?.value === 401, 8000, 'both units read');
    await p.until(() => (responder?.requests.length ?? 0) >= 20, 5000, '20 requests');
    assert.equal(p.health('s3').connection, `rtu://${tty}`);
    assert.equal(p.health('s4').connection, p.health('s3').connection, 'one connection for the line');

    // Strictly alternating request/answer: never two requests on the line at once,
    // and at 9600 baud at least 3.5 × 11 bits ≈ 4 ms of silence after each answer.
    const t = (responder as ModbusResponder).timeline.slice(0, 40);
    for (let i = 1; i < t.length; i++) assert.notEqual(t[i]?.kind, t[i - 1]?.kind, `event ${i} overlaps`);
    const gaps = t.flatMap((e, i) => (e.kind === 'request' && i > 0 ? [e.at - (t[i - 1] as { at: number }).at] : []));
    assert.ok(Math.min(...gaps) >= 3.5, `smallest silent interval ${Math.min(...gaps).toFixed(2)} ms`);
  });
});
