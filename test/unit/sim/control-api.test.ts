import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildControlApi } from '../../../firmware-sim/src/control/control-api.js';
import { SimulatedDevice } from '../../../firmware-sim/src/simulated-device.js';
import { loadSiteConfig } from '../../../gateway/src/config/index.js';
import { FIXTURES } from '../../support/fixtures.js';

describe('simulator control API', () => {
  let app: FastifyInstance;
  before(async () => {
    const site = await loadSiteConfig(join(FIXTURES, 'gas-site.yaml'));
    const devices = new Map(site.devices.flatMap((d) => (d.transport === 'modbus' ? [[d.id, new SimulatedDevice(d)] as const] : [])));
    app = buildControlApi(devices, () => ({ host: '127.0.0.1', port: 1502, unitId: 1 }), pino({ level: 'silent' }));
    await app.ready();
  });
  after(() => app.close());

  it('GET /devices lists id, profile, transport address and points', async () => {
    const res = await app.inject({ method: 'GET', url: '/devices' });
    assert.equal(res.statusCode, 200);
    const [device] = res.json();
    assert.equal(device.id, 'gas-1');
    assert.equal(device.profile, 'gas-detector');
    assert.deepEqual(device.transport, { kind: 'modbus-tcp', host: '127.0.0.1', port: 1502, unitId: 1 });
    assert.ok(device.points.some((p: { id: string; unit: string }) => p.id === 'lel1' && p.unit === '%LEL'));
  });

  it('PUT then GET a point', async () => {
    const put = await app.inject({ method: 'PUT', url: '/devices/gas-1/points/lel2', payload: { value: 12.5 } });
    assert.equal(put.statusCode, 200);
    const get = await app.inject({ method: 'GET', url: '/devices/gas-1/points/lel2' });
    assert.equal(get.json().value, 12.5);
  });

  const bad: [string, string, unknown, number, RegExp][] = [
    ['unknown device', '/devices/nope/points/lel1', { value: 1 }, 404, /LL_ERR_SIM_UNKNOWN_DEVICE/],
    ['unknown point', '/devices/gas-1/points/nope', { value: 1 }, 404, /LL_ERR_SIM_UNKNOWN_POINT/],
    ['missing value', '/devices/gas-1/points/lel1', {}, 400, /value/],
    ['a string value', '/devices/gas-1/points/lel1', { value: '50' }, 400, /value/],
    ['an extra field', '/devices/gas-1/points/lel1', { value: 1, unit: '%' }, 400, /additional/],
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
