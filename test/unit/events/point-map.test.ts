import assert from 'node:assert/strict';
import { PointMap } from '@lifeline/core';

describe('PointMap (values by device and point)', () => {
  it('keeps one value per (device, point), apart for the same point id on two devices', () => {
    const m = new PointMap<number>();
    m.set('gas-1', 'lel1', 1);
    m.set('gas-2', 'lel1', 2);
    m.set('gas-1', 'lel1', 3);
    assert.equal(m.get('gas-1', 'lel1'), 3);
    assert.equal(m.get('gas-2', 'lel1'), 2);
    assert.equal(m.get('gas-1', 'lel2'), undefined);
    assert.equal(m.get('gas-3', 'lel1'), undefined);
    assert.equal(m.size, 2);
  });

  it('does not confuse ids a joined key would (a/b + c and a + b/c)', () => {
    const m = new PointMap<string>();
    m.set('a/b', 'c', 'first');
    m.set('a', 'b/c', 'second');
    assert.equal(m.get('a/b', 'c'), 'first');
    assert.equal(m.get('a', 'b/c'), 'second');
  });

  it('deletes one point, and forgets a device with none left', () => {
    const m = new PointMap<number>();
    m.set('d1', 'p1', 1);
    m.set('d1', 'p2', 2);
    m.delete('d1', 'p1');
    m.delete('d1', 'p9');
    m.delete('d9', 'p1');
    assert.equal(m.get('d1', 'p1'), undefined);
    assert.equal(m.size, 1);
    m.delete('d1', 'p2');
    assert.equal(m.size, 0);
    assert.deepEqual([...m.values()], []);
  });

  it('lists values device by device in first-set order, and clears', () => {
    const m = new PointMap<string>();
    m.set('d1', 'p1', 'a');
    m.set('d2', 'p1', 'b');
    m.set('d1', 'p2', 'c');
    assert.deepEqual([...m.values()], ['a', 'c', 'b']);
    assert.deepEqual(m.appendTo(['z']), ['z', 'a', 'c', 'b'], 'appendTo: the same order, after what is there');
    m.clear();
    assert.equal(m.size, 0);
    assert.deepEqual([...m.values()], []);
  });
});
