import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadSiteConfig, systemClock } from '../../core/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { browseCommand } from '../../gateway/src/commissioning/browse-command.js';
import { readCommand } from '../../gateway/src/commissioning/read-command.js';
import { type ScanReport, scanLine } from '../../gateway/src/commissioning/scan.js';
import { scanCommand } from '../../gateway/src/commissioning/scan-command.js';
import { writeCommand } from '../../gateway/src/commissioning/write-command.js';
import { ModbusConnection } from '../../gateway/src/transports/modbus-connection.js';
import { capture } from '../support/command-io.js';
import { PymodbusServer } from '../support/modbus-pymodbus.js';
import { freePort } from '../support/ports.js';
import { requireBinary, requirePythonModule } from '../support/services.js';

const unitsOf = (report: ScanReport) => report.units.map((u) => u.unitId);

/**
 * The commissioning commands against the simulator on every Modbus line kind
 * (TCP, RTU over TCP, serial RTU on a socat pseudo-terminal) and its OPC UA
 * server, and against pymodbus, an independent server.
 */
describe('commissioning: scan, read, write, browse against the simulator and pymodbus', function () {
  this.timeout(30_000);
  let dir: string;
  let sim: FirmwareSimulator | undefined;
  let siteFile: string;
  let tcpPort: number;
  let rtuTcpPort: number;
  let opcuaPort: number;
  let tty: string;

  before(async function () {
    requireBinary(this, '/usr/bin/socat', 'socat');
    dir = await mkdtemp(join(tmpdir(), 'lifeline-commissioning-'));
    [tcpPort, rtuTcpPort, opcuaPort] = [await freePort(), await freePort(), await freePort()];
    tty = join(dir, 'rs485');
    siteFile = join(dir, 'site.yaml');
    await writeFile(
      siteFile,
      `site: bench
gateway: gw-bench
simulator: { http: { host: 127.0.0.1, port: 0 } }
stateDir: ${join(dir, 'state')}
devices:
  - { id: gas-a, profile: gas-detector, modbus: { host: 127.0.0.1, port: ${tcpPort}, unitId: 3, timeoutMs: 500 } }
  - { id: pm-b, profile: power-meter, modbus: { host: 127.0.0.1, port: ${tcpPort}, unitId: 7, timeoutMs: 500 } }
  - { id: gas-r, profile: gas-detector, modbus: { host: 127.0.0.1, port: ${rtuTcpPort}, framing: rtu-over-tcp, unitId: 5, timeoutMs: 500 } }
  - { id: ws-s, profile: water-station, modbus: { serialPort: ${tty}, unitId: 2, timeoutMs: 500 } }
  - { id: heat, profile: heat-station, opcua: { endpointUrl: "opc.tcp://127.0.0.1:${opcuaPort}/heat" } }
`,
    );
    sim = new FirmwareSimulator(await loadSiteConfig(siteFile), pino({ level: 'silent' }));
    await sim.start();
  });

  after(async () => {
    await sim?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const device = (id: string) => {
    const d = sim?.devices.get(id);
    assert.ok(d);
    return d;
  };

  it('scan finds exactly the units served on Modbus TCP, with their device identification (function 43/14)', async () => {
    const io = capture();
    const code = await scanCommand.run(
      ['--host', '127.0.0.1', '--port', String(tcpPort), '--units', '1-10', '--timeout-ms', '150', '--json'],
      io,
      {},
    );
    assert.equal(code, 0, io.stderr);
    const report = JSON.parse(io.stdout) as ScanReport;
    assert.deepEqual(unitsOf(report), [3, 7]);
    assert.equal(report.tried, 10);
    assert.deepEqual(report.units[0]?.identification, {
      vendorName: 'Lifeline firmware-sim',
      productCode: 'gas-detector',
      revision: '0.1',
      productName: device('gas-a').config.profile.name,
      modelName: device('gas-a').config.profile.kind,
      userApplicationName: 'gas-a',
    });
    assert.equal(report.units[1]?.identification?.productCode, 'power-meter');
    assert.equal(report.units[1]?.tables.input.answers, true);
    assert.match(io.stderr, /scan: 10\/10 unit ids tried, 2 found/);
    assert.match(io.stderr, /unit 3 answers/);
  });

  it('scan finds the unit behind a serial device server (RTU over TCP) and on a serial RTU line (pty)', async () => {
    const rtuTcp = await scanLine({
      link: { framing: 'rtu-over-tcp', host: '127.0.0.1', port: rtuTcpPort, unitId: 1, timeoutMs: 150, maxInFlight: 1 },
      units: [1, 4, 5, 6],
      timeoutMs: 150,
      probeAddress: 0,
    });
    assert.deepEqual(unitsOf(rtuTcp), [5]);
    assert.equal(rtuTcp.units[0]?.identification?.userApplicationName, 'gas-r');
    const io = capture();
    assert.equal(await scanCommand.run(['--serial', tty, '--units', '1-3', '--timeout-ms', '200'], io, {}), 0, io.stderr);
    assert.match(io.stdout, /rtu:\/\/.*rs485 9600 8N1: 1 of 3 unit id\(s\) answer/);
    assert.match(io.stdout, /\n2 +Lifeline firmware-sim \/ water-station \/ 0\.1 /);
  });

  it('names a busy serial port instead of failing obscurely', async () => {
    const holder = new ModbusConnection(
      { framing: 'rtu', serialPort: tty, baudRate: 9600, parity: 'none', dataBits: 8, stopBits: 1, unitId: 2, timeoutMs: 200 },
      systemClock,
    );
    await holder.open();
    try {
      const io = capture();
      assert.equal(await scanCommand.run(['--serial', tty, '--units', '2'], io, {}), 1);
      assert.match(io.stderr, /LL_ERR_SERIAL_BUSY: serial port .*rs485 is busy/);
    } finally {
      await holder.close();
    }
  });

  it('read decodes what the simulator holds: by point name, and by raw address with type and word order', async () => {
    sim?.setManual(device('gas-a'), 'lel1', 12.5);
    const io = capture();
    assert.equal(await readCommand.run(['--config', siteFile, 'gas-a', 'lel1', '--json'], io, {}), 0, io.stderr);
    const reading = JSON.parse(io.stdout);
    assert.equal(reading.value, 12.5);
    assert.deepEqual(reading.raw, [125]);
    assert.equal(reading.unit, '%LEL');
    assert.equal(reading.quality, 'good');

    const serial = capture();
    assert.equal(await readCommand.run(['--config', siteFile, 'ws-s', 'pressure'], serial, {}), 0, serial.stderr);
    assert.match(serial.stdout, /^ws-s\/pressure \(.+\) = [\d.]+ MPa {2}good\n {2}rtu:\/\//);

    sim?.setManual(device('pm-b'), 'ua', 230.5);
    const raw = [
      '--host',
      '127.0.0.1',
      '--port',
      String(tcpPort),
      '--unit',
      '7',
      '--table',
      'input',
      '--address',
      '0',
      '--type',
      'float32',
      '--json',
    ];
    const big = capture();
    assert.equal(await readCommand.run(raw, big, {}), 0, big.stderr);
    assert.equal(JSON.parse(big.stdout).value, 230.5);
    const little = capture();
    assert.equal(await readCommand.run([...raw, '--word-order', 'little'], little, {}), 0);
    assert.notEqual(JSON.parse(little.stdout).value, 230.5, 'CDAB reads the same words as another number');
    assert.deepEqual(JSON.parse(little.stdout).raw, JSON.parse(big.stdout).raw);
  });

  it('write refuses without --yes, then writes and shows the read-back the simulator holds', async () => {
    sim?.setManual(device('gas-a'), 'valve-close', false);
    const refused = capture();
    assert.equal(await writeCommand.run(['--config', siteFile, 'gas-a', 'valve-close', 'true'], refused, {}), 1);
    assert.match(refused.stderr, /LL_ERR_WRITE_UNCONFIRMED/);
    assert.equal(device('gas-a').getValue('valve-close'), false);
    sim?.release(device('gas-a'), 'valve-close');
    const io = capture();
    assert.equal(await writeCommand.run(['--config', siteFile, 'gas-a', 'valve-close', 'on', '--yes', '--json'], io, {}), 0, io.stderr);
    const result = JSON.parse(io.stdout);
    assert.equal(result.written, true);
    assert.equal(result.readBack.value, true);
    assert.equal(device('gas-a').getValue('valve-close'), true);
    const readOnly = capture();
    assert.equal(await writeCommand.run(['--config', siteFile, 'gas-a', 'lel1', '3', '--yes'], readOnly, {}), 1);
    assert.match(readOnly.stderr, /LL_ERR_WRITE_NOT_WRITABLE/);
  });

  it('browse shows the OPC UA address space and reads a variable', async function () {
    this.timeout(30_000);
    const env = { LIFELINE_STATE_DIR: join(dir, 'state') };
    const url = `opc.tcp://127.0.0.1:${opcuaPort}/heat`;
    const tree = capture();
    assert.equal(await browseCommand.run([url, '--depth', '3'], tree, env), 0, tree.stderr);
    assert.match(tree.stdout, /2:SupplyPressure {2}\[Variable\] {2}ns=2;s=HeatStation\.Primary\.SupplyPressure/);
    const value = capture();
    assert.equal(
      await browseCommand.run([url, '--read', 'ns=2;s=HeatStation.Primary.SupplyPressure', '--json'], value, env),
      0,
      value.stderr,
    );
    const read = JSON.parse(value.stdout);
    assert.equal(read.dataType, 'Double');
    assert.equal(read.status, 'Good');
    assert.equal(typeof read.value, 'number');
  });

  describe('against pymodbus', () => {
    let server: PymodbusServer | undefined;
    afterEach(async () => {
      await server?.stop();
      server = undefined;
    });

    it('scan finds exactly its units; read and write round-trip through an independent server', async function () {
      requirePythonModule(this, 'pymodbus', 'python3-pymodbus');
      server = await PymodbusServer.start([1, 4]);
      const line = ['--host', '127.0.0.1', '--port', String(server.port)];
      const scan = capture();
      assert.equal(await scanCommand.run([...line, '--units', '1-6', '--timeout-ms', '150', '--json'], scan, {}), 0, scan.stderr);
      const report = JSON.parse(scan.stdout) as ScanReport;
      assert.deepEqual(unitsOf(report), [1, 4]);
      assert.equal(report.units[1]?.tables.holding.outcome, 'data 4000');
      const read = capture();
      assert.equal(await readCommand.run([...line, '--unit', '4', '--address', '7', '--json'], read, {}), 0, read.stderr);
      assert.equal(JSON.parse(read.stdout).value, 4007);
      const write = capture();
      assert.equal(
        await writeCommand.run(
          [...line, '--unit', '4', '--address', '20', '--type', 'int32', '--scale', '0.1', '--yes', '--json', '--', '-1234.5'],
          write,
          {},
        ),
        0,
        write.stderr,
      );
      const back = JSON.parse(write.stdout).readBack;
      assert.equal(back.value, -1234.5);
      assert.deepEqual(back.rawHex, ['0xffff', '0xcfc7']);
    });
  });
});
