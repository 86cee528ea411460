import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadSiteConfig } from '../../../core/src/index.js';
import { buildControlApi } from '../../../firmware-sim/src/control/control-api.js';
import { FirmwareSimulator } from '../../../firmware-sim/src/simulator.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('simulator control API', () => {
  let app: FastifyInstance;
  before(async () => {
    const site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    // Not started: the API is exercised in-process (inject), the device servers are not needed.
    app = buildControlApi(new FirmwareSimulator(site, pino({ level: 'silent' })), pino({ level: 'silent' }));
    await app.ready();
  });
  after(() => app.close());

  it('GET /devices lists id, profile, transport address and points', async () => {
    const res = await app.inject({ method: 'GET', url: '/devices' });
    assert.equal(res.statusCode, 200);
    const [device] = res.json();
    assert.equal(device.id, 'gas-1');
    assert.equal(device.profile, 'gas-detector');
    assert.deepEqual(device.transport, { kind: 'modbus-tcp', host: '127.0.0.1', port: 0, unitId: 1 });
    assert.ok(device.points.some((p: { id: string; unit: string }) => p.id === 'lel1' && p.unit === '%LEL'));
  });

  it('PUT then GET a point', async () => {
    const put = await app.inject({ method: 'PUT', url: '/devices/gas-1/points/lel2', payload: { value: 12.5 } });
    assert.equal(put.statusCode, 200);
    const get = await app.inject({ method: 'GET', url: '/devices/gas-1/points/lel2' });
    assert.equal(get.json().value, 12.5);
    assert.equal(get.json().mode, 'manual', 'a set point holds until a scenario takes it');
  });

  for (const [how, release] of [
    ['DELETE', { method: 'DELETE' }],
    ['PUT {"mode": "behaviour"}', { method: 'PUT', payload: { mode: 'behaviour' } }],
  ] as const) {
    it(`${how} hands a set point back to its behaviour`, async () => {
      const url = '/devices/gas-1/points/lel3';
      await app.inject({ method: 'PUT', url, payload: { value: 60 } });
      const res = await app.inject({ url, ...release });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { device: 'gas-1', point: 'lel3', unit: '%LEL', value: 0, mode: 'behaviour' });
      assert.equal((await app.inject({ method: 'GET', url })).json().value, 0, 'the profile initial value, not 60');
    });
  }

  it('answers DELETE of an unknown point with 404', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/devices/gas-1/points/nope' });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /LL_ERR_SIM_UNKNOWN_POINT/);
  });

  it('publishes an OpenAPI description of every route', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    const paths = Object.keys(res.json().paths).sort();
    for (const p of [
      '/devices',
      '/devices/{device}/points/{point}',
      '/scenarios',
      '/scenarios/{name}/start',
      '/scenarios/{name}/stop',
      '/faults',
      '/faults/{id}',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });

  it('lists the built-in scenarios', async () => {
    const res = await app.inject({ method: 'GET', url: '/scenarios' });
    const names = res.json().map((s: { name: string }) => s.name);
    for (const n of [
      'gas-leak',
      'voltage-sag',
      'frequency-excursion',
      'water-main-burst',
      'heat-pump-trip',
      'smoke-two-zones',
      'ebike-enters-elevator',
      'sensor-wire-break',
      'flapping-limit',
    ]) {
      assert.ok(names.includes(n), n);
    }
  });

  it('injects and clears a fault by id', async () => {
    const post = await app.inject({ method: 'POST', url: '/faults', payload: { kind: 'exception', device: 'gas-1', exceptionCode: 6 } });
    assert.equal(post.statusCode, 201);
    const { id } = post.json();
    assert.match(id, /^f\d+$/);
    assert.equal((await app.inject({ method: 'GET', url: '/faults' })).json().length, 1);
    assert.equal((await app.inject({ method: 'DELETE', url: `/faults/${id}` })).statusCode, 200);
    assert.equal((await app.inject({ method: 'DELETE', url: `/faults/${id}` })).statusCode, 404);
  });

  const badRequests: [string, string, string, unknown, number, RegExp][] = [
    ['a fault of an unknown kind', 'POST', '/faults', { kind: 'gremlins', device: 'gas-1' }, 400, /kind/],
    ['a fault on an unknown device', 'POST', '/faults', { kind: 'no-response', device: 'nope' }, 404, /LL_ERR_SIM_UNKNOWN_DEVICE/],
    [
      'a stuck fault on an unknown point',
      'POST',
      '/faults',
      { kind: 'stuck', device: 'gas-1', point: 'nope' },
      404,
      /LL_ERR_SIM_UNKNOWN_POINT/,
    ],
    ['a stuck fault without a point', 'POST', '/faults', { kind: 'stuck', device: 'gas-1' }, 400, /LL_ERR_SIM_BAD_FAULT/],
    ['a bad CRC on Modbus TCP', 'POST', '/faults', { kind: 'corrupt-frame', device: 'gas-1' }, 400, /LL_ERR_SIM_BAD_FAULT.*|no CRC/],
    ['an OPC UA fault on a Modbus device', 'POST', '/faults', { kind: 'opcua-restart', device: 'gas-1' }, 400, /LL_ERR_SIM_BAD_FAULT/],
    ['an exception code as a string', 'POST', '/faults', { kind: 'exception', device: 'gas-1', exceptionCode: '6' }, 400, /exceptionCode/],
    ['an unknown scenario', 'POST', '/scenarios/nope/start', {}, 404, /LL_ERR_SIM_UNKNOWN_SCENARIO/],
    ['a scenario for a kind the site lacks', 'POST', '/scenarios/voltage-sag/start', {}, 400, /LL_ERR_SIM_SCENARIO_TARGET|power-meter/],
    ['a negative time scale', 'POST', '/scenarios/gas-leak/start', { timeScale: -1 }, 400, /timeScale/],
    ['stopping a scenario never started', 'POST', '/scenarios/flapping-limit/stop', {}, 404, /LL_ERR_SIM_UNKNOWN_SCENARIO/],
    ['clearing an unknown fault', 'DELETE', '/faults/f999', undefined, 404, /LL_ERR_SIM_UNKNOWN_FAULT/],
  ];
  for (const [name, method, url, payload, status, body] of badRequests) {
    it(`answers ${name} with ${status} and the reason`, async () => {
      const res = await app.inject({ method: method as 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });
      assert.equal(res.statusCode, status, res.body);
      assert.match(res.body, body);
    });
  }

  const bad: [string, string, unknown, number, RegExp][] = [
    ['unknown device', '/devices/nope/points/lel1', { value: 1 }, 404, /LL_ERR_SIM_UNKNOWN_DEVICE/],
    ['unknown point', '/devices/gas-1/points/nope', { value: 1 }, 404, /LL_ERR_SIM_UNKNOWN_POINT/],
    ['missing value', '/devices/gas-1/points/lel1', {}, 400, /fewer than 1 properties/],
    ['both a value and a mode', '/devices/gas-1/points/lel1', { value: 1, mode: 'behaviour' }, 400, /more than 1 properties/],
    ['a mode other than behaviour', '/devices/gas-1/points/lel1', { mode: 'manual' }, 400, /mode/],
    ['a string value', '/devices/gas-1/points/lel1', { value: '50' }, 400, /value/],
    ['a misspelt field', '/devices/gas-1/points/lel1', { valeu: 1 }, 400, /additional/],
    ['an extra field', '/devices/gas-1/points/lel1', { value: 1, unit: '%' }, 400, /more than 1 properties/],
    ['a number for a boolean point', '/devices/gas-1/points/valve-close', { value: 1 }, 400, /LL_ERR_SIM_BAD_VALUE/],
  ];
  for (const [name, url, payload, status, body] of bad) {
    it(`rejects ${name} with ${status} and the reason`, async () => {
      const res = await app.inject({ method: 'PUT', url, payload: payload as object });
      assert.equal(res.statusCode, status);
      assert.match(res.body, body);
    });
  }

  it('rejects a body that is not JSON with 400', async () => {
    const res = await app.inject({
      method: 'PUT',
      url: '/devices/gas-1/points/lel1',
      payload: '{value:',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.statusCode, 400);
  });
});
