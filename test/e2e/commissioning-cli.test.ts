import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSiteConfig } from '../../core/src/index.js';
import { COMMISSIONING_COMMANDS } from '../../gateway/src/commissioning/index.js';
import { initCommand } from '../../gateway/src/commissioning/init-command.js';
import { openFailure } from '../../gateway/src/commissioning/modbus-target.js';
import { parseUnitRange } from '../../gateway/src/commissioning/scan.js';
import { GATEWAY_BIN } from '../support/cli.js';
import { capture } from '../support/command-io.js';
import { REPO_ROOT } from '../support/fixtures.js';
import { tempStateDir } from '../support/state-dir.js';

const SERIAL = {
  framing: 'rtu',
  serialPort: '/dev/ttyUSB9',
  baudRate: 9600,
  parity: 'none',
  dataBits: 8,
  stopBits: 1,
  unitId: 1,
  timeoutMs: 100,
} as const;
const TCP = { framing: 'tcp', host: '10.0.0.9', port: 502, unitId: 1, timeoutMs: 100 } as const;

describe('commissioning CLI: help, arguments, errors, init', () => {
  // A fresh folder per test, removed when the test process exits.
  let dir: string;
  beforeEach(() => {
    dir = tempStateDir();
  });

  it('gives every command --help with examples, and a usage error (exit 2) for a wrong option', async () => {
    for (const [name, command] of Object.entries(COMMISSIONING_COMMANDS)) {
      const io = capture();
      assert.equal(await command.run(['--help'], io, {}), 0, name);
      assert.match(io.stdout, /\nexamples:\n {2}lifeline-gateway /, name);
      const bad = capture();
      assert.equal(await command.run(['--no-such-option'], bad, {}), 2, name);
      assert.match(bad.stderr, new RegExp(`see: lifeline-gateway ${name} --help`), name);
    }
  });

  it('names cause and fix when a line will not open: missing, permission, busy serial port; refused, unreachable host', () => {
    const cases: [object, unknown, string][] = [
      [SERIAL, new Error('Error: No such file or directory, cannot open /dev/ttyUSB9'), 'LL_ERR_SERIAL_NOT_FOUND'],
      [SERIAL, new Error('Error: Permission denied, cannot open /dev/ttyUSB9'), 'LL_ERR_SERIAL_PERMISSION'],
      [SERIAL, new Error('Error Resource temporarily unavailable Cannot lock port'), 'LL_ERR_SERIAL_BUSY'],
      [TCP, Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:502'), { code: 'ECONNREFUSED' }), 'LL_ERR_LINK_REFUSED'],
      [TCP, Object.assign(new Error('TCP Connection Timed Out'), { code: 'ETIMEDOUT' }), 'LL_ERR_LINK_UNREACHABLE'],
    ];
    for (const [link, e, code] of cases) {
      const error = openFailure(link as never, e);
      assert.equal(error.code, code);
      assert.ok(error.hint.length > 20, code);
    }
    assert.match(openFailure(SERIAL, new Error('Permission denied')).hint, /dialout/);
  });

  it('parses unit ranges and refuses ids outside the line kind', () => {
    assert.deepEqual(parseUnitRange('1-3,7,2', 1, 247), [1, 2, 3, 7]);
    assert.throws(() => parseUnitRange('0-5', 1, 247), /within 1-247/);
    assert.throws(() => parseUnitRange('5-2', 1, 247), /"5-2"/);
  });

  it('init writes a commented site config for TCP, RTU over TCP, serial and OPC UA devices that `validate` accepts as written', async () => {
    await writeFile(
      join(dir, 'own.yaml'),
      'id: own\nkind: own\nname: Own\npoints:\n  p: { name: P, modbus: { table: holding, address: 0, type: uint16 } }\n',
    );
    const out = join(dir, 'site.yaml');
    const io = capture();
    const code = await initCommand.run(
      [
        '--site',
        'gas-station-12',
        '--gateway',
        'gw-01',
        '--profiles-dir',
        dir,
        '--device',
        'gas-detector@rtu:/dev/ttyUSB0?unit=2&baud=19200&parity=even',
        '--device',
        'gas-detector@rtu:/dev/ttyUSB0?unit=3',
        '--device',
        'pm=power-meter@tcp://192.168.1.30?unit=7',
        '--device',
        'own@rtu-over-tcp://192.168.1.40:4001?unit=1',
        '--device',
        'heat-station@opc.tcp://192.168.1.50:4840/heat',
        '--out',
        out,
      ],
      io,
      {},
    );
    assert.equal(code, 0, io.stderr);
    const text = await readFile(out, 'utf8');
    assert.match(text, /^# Site config written by `lifeline-gateway init`/);
    assert.match(text, /profilesDir: "?\."?/);
    const site = await loadSiteConfig(out);
    assert.deepEqual(
      site.devices.map((d) => d.id),
      ['gas-detector-1', 'gas-detector-2', 'pm', 'own-1', 'heat-station-1'],
    );
    const serial = site.devices[0];
    assert.ok(serial?.transport === 'modbus' && serial.modbus.framing === 'rtu');
    assert.equal(serial.modbus.baudRate, 19200);
    assert.equal(serial.modbus.parity, 'even');
    // The CLI's own validate, exactly as an engineer runs it next (the built bin, as `npm test` builds first).
    const validate = spawnSync(process.execPath, [GATEWAY_BIN, 'validate', out], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(validate.status, 0, validate.stderr);
    assert.match(validate.stdout, /ok \(site gas-station-12, gateway gw-01, 5 device\(s\)/);
    // It never overwrites a file without --force.
    const again = capture();
    assert.equal(await initCommand.run(['--site', 's', '--gateway', 'g', '--device', 'gas-detector@tcp://h', '--out', out], again, {}), 1);
    assert.match(again.stderr, /LL_ERR_OUTPUT_EXISTS/);
  });

  it('init refuses an unknown profile and a malformed device before writing anything', async () => {
    const out = join(dir, 'site.yaml');
    const unknown = capture();
    assert.equal(await initCommand.run(['--site', 's', '--gateway', 'g', '--device', 'no-such@tcp://h', '--out', out], unknown, {}), 2);
    assert.match(unknown.stderr, /LL_ERR_PROFILE_NOT_FOUND/);
    const malformed = capture();
    assert.equal(
      await initCommand.run(['--site', 's', '--gateway', 'g', '--device', 'gas-detector@ftp://h', '--out', out], malformed, {}),
      2,
    );
    assert.match(malformed.stderr, /unknown scheme "ftp:"/);
    await assert.rejects(readFile(out), { code: 'ENOENT' });
  });

  it('prints the version with --version', () => {
    const run = spawnSync(process.execPath, [GATEWAY_BIN, '--version'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^lifeline-gateway \d+\.\d+\.\d+\n$/);
  });
});
