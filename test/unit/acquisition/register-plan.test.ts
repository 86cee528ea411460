import assert from 'node:assert/strict';
import type { ModbusPointConfig, Register } from '../../../core/src/index.js';
import { planReads } from '../../../gateway/src/acquisition/modbus/register-plan.js';

const point = (id: string, register: Partial<Register>): ModbusPointConfig => ({
  id,
  name: id,
  unit: '',
  dataType: register.type === 'bool' ? 'boolean' : 'number',
  writable: false,
  limits: [],
  register: { table: 'holding', address: 0, type: 'uint16', wordOrder: 'big', scale: 1, offset: 0, ...register },
});

describe('register read plan', () => {
  it('merges near registers of one table and splits tables', () => {
    const blocks = planReads([
      point('a', { address: 0 }),
      point('b', { address: 3, type: 'float32' }),
      point('c', { address: 16 }),
      point('d', { table: 'coil', address: 0, type: 'bool' }),
    ]);
    assert.deepEqual(
      blocks.map((b) => [b.table, b.address, b.length, b.points.map((p) => p.id).join()]),
      [
        ['holding', 0, 17, 'a,b,c'],
        ['coil', 0, 1, 'd'],
      ],
    );
  });

  it('starts a new request past the allowed gap', () => {
    const blocks = planReads([point('a', { address: 0 }), point('b', { address: 100 })], 16);
    assert.deepEqual(
      blocks.map((b) => [b.address, b.length]),
      [
        [0, 1],
        [100, 1],
      ],
    );
  });

  it('never exceeds 125 registers per request (Modbus V1.1b3 §6.3)', () => {
    const points = Array.from({ length: 300 }, (_, i) => point(`p${i}`, { address: i }));
    const blocks = planReads(points);
    assert.ok(blocks.every((b) => b.length <= 125));
    assert.equal(
      blocks.reduce((n, b) => n + b.points.length, 0),
      300,
    );
  });

  it('reads bit points sharing a status word once', () => {
    const blocks = planReads([point('status', { address: 16 }), point('fault', { address: 16, type: 'bool', bit: 2 })]);
    assert.deepEqual(
      blocks.map((b) => [b.address, b.length, b.points.length]),
      [[16, 1, 2]],
    );
  });
});
