import assert from 'node:assert/strict';
import { DEFAULTS, isConfigError, type ModbusDeviceConfig, type ModbusPointConfig } from '../../../core/src/index.js';
import { planPollGroups } from '../../../gateway/src/acquisition/modbus/poll-groups.js';
import { planReads } from '../../../gateway/src/acquisition/modbus/register-plan.js';
import { loadTestSite } from '../../support/modbus-site.js';

const device = (acquisition?: Record<string, unknown>) => ({
  id: 'm',
  profile: 'test-meter',
  modbus: { host: '127.0.0.1', port: 502 },
  ...(acquisition ? { acquisition } : {}),
});

describe('acquisition config', () => {
  it('applies the defaults when the key is absent', async () => {
    const site = await loadTestSite([device()]);
    try {
      const a = (site.config.devices[0] as ModbusDeviceConfig).acquisition;
      assert.equal(a.retries, DEFAULTS.acquisitionRetries);
      assert.equal(a.mergeGap, DEFAULTS.modbusMergeGap);
      assert.deepEqual(a.circuitBreaker, { failureThreshold: 2, openMs: 2000, maxOpenMs: 30_000 });
      assert.equal(a.opcua.samplingIntervalMs, 1000, 'sampling follows pollIntervalMs');
      assert.equal(a.opcua.publishingIntervalMs, 1000, 'publishing follows a slow sampling interval');
      assert.ok(Object.isFrozen(a));
    } finally {
      await site.cleanup();
    }
  });

  it("publishes a fast OPC UA sampling at the server's fastest unless told otherwise", async () => {
    const site = await loadTestSite([
      device({ opcua: { samplingIntervalMs: 10 } }),
      { ...device({ opcua: { samplingIntervalMs: 10, publishingIntervalMs: 40 } }), id: 'n', modbus: { host: '127.0.0.1', port: 503 } },
      { ...device({ opcua: { samplingIntervalMs: DEFAULTS.opcuaFastPathMs + 1 } }), id: 'o', modbus: { host: '127.0.0.1', port: 504 } },
    ]);
    try {
      const opcua = site.config.devices.map((d) => (d as ModbusDeviceConfig).acquisition.opcua.publishingIntervalMs);
      assert.deepEqual(opcua, [0, 40, DEFAULTS.opcuaFastPathMs + 1]);
    } finally {
      await site.cleanup();
    }
  });

  it('locates a poll group naming an unknown or repeated point', async () => {
    await assert.rejects(
      loadTestSite([
        device({
          pollGroups: [
            { intervalMs: 100, points: ['r0', 'nope'] },
            { intervalMs: 200, points: ['r0'] },
          ],
        }),
      ]),
      (e) => {
        assert.ok(isConfigError(e));
        const text = e.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
        assert.match(text, /devices\[0\]\.acquisition\.pollGroups\[0\]\.points\[1\]: no point "nope"/);
        assert.match(text, /devices\[0\]\.acquisition\.pollGroups\[1\]\.points\[0\]: point "r0" is in two poll groups/);
        assert.ok(e.issues.every((i) => i.line > 0));
        return true;
      },
    );
  });

  it('plans each poll group on its own with the configured merge gap', async () => {
    const site = await loadTestSite([device({ mergeGap: 0, pollGroups: [{ intervalMs: 100, points: ['r0', 'r1'] }] })]);
    try {
      const groups = planPollGroups(site.config.devices[0] as ModbusDeviceConfig);
      assert.deepEqual(
        groups.map((g) => [g.intervalMs, g.blocks.map((b) => `${b.table}@${b.address}+${b.length}`).join(' ')]),
        [
          [100, 'holding@0+2'],
          [1000, 'holding@10+1 holding@100+1 coil@0+1'],
        ],
      );
    } finally {
      await site.cleanup();
    }
  });

  it('takes maxInFlight (pipelining) on Modbus TCP only, at most 16, the same for every device on one link', async () => {
    const tcp = (id: string, unitId: number, maxInFlight?: number, extra: Record<string, unknown> = {}) => ({
      id,
      profile: 'test-meter',
      modbus: { host: '127.0.0.1', port: 502, unitId, ...(maxInFlight !== undefined ? { maxInFlight } : {}), ...extra },
    });
    const site = await loadTestSite([tcp('a', 1, 4), tcp('b', 2, 4), tcp('c', 1, undefined, { port: 503 })]);
    try {
      const links = site.config.devices.map((d) => (d as ModbusDeviceConfig).modbus);
      assert.deepEqual(
        links.map((l) => (l.framing === 'rtu' ? 0 : l.maxInFlight)),
        [4, 4, 1],
      );
    } finally {
      await site.cleanup();
    }
    const issues = async (devices: Record<string, unknown>[]) => {
      try {
        await loadTestSite(devices);
      } catch (e) {
        assert.ok(isConfigError(e));
        return e.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
      }
      return '';
    };
    assert.match(await issues([tcp('a', 1, 17)]), /devices\[0\]\.modbus\.maxInFlight/);
    assert.match(await issues([tcp('a', 1, 2, { framing: 'rtu-over-tcp' })]), /needs Modbus TCP \(framing tcp\)/);
    assert.match(
      await issues([tcp('a', 1, 4), tcp('b', 2, 2)]),
      /devices\[1\]\.modbus\.maxInFlight: maxInFlight 2 differs from device "a" \(4\)/,
    );
  });

  it('never asks for more than 2000 coils in one request (Modbus V1.1b3 §6.1)', () => {
    const coils = Array.from(
      { length: 2500 },
      (_, i): ModbusPointConfig => ({
        id: `c${i}`,
        name: '',
        unit: '',
        dataType: 'boolean',
        writable: false,
        limits: [],
        register: { table: 'coil', address: i, type: 'bool', wordOrder: 'big', scale: 1, offset: 0 },
      }),
    );
    assert.deepEqual(
      planReads(coils).map((b) => b.length),
      [2000, 500],
    );
  });
});
