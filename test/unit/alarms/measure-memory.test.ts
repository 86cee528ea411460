import assert from 'node:assert/strict';
import { measure, memoryFor } from '../../../gateway/src/alarms/measure.js';

const reading = (value: number, sourceTs: number) => ({
  device: 'd',
  point: 'p',
  value,
  quality: 'good' as const,
  sourceTs,
  rxTs: sourceTs,
});
const limit = (condition: 'hi' | 'roc' | 'flatline') => ({
  condition,
  value: 1,
  hysteresis: 0,
  priority: 2 as const,
  onDelayMs: 0,
  offDelayMs: 0,
  onSamples: 1,
  offSamples: 1,
});

describe('alarm measure memory', () => {
  it('gives rate of change and flat-line a memory of their own, every other condition one shared frozen one', () => {
    assert.equal(memoryFor('hi'), memoryFor('stale'), 'shared');
    assert.ok(Object.isFrozen(memoryFor('hi')));
    assert.notEqual(memoryFor('roc'), memoryFor('roc'), 'one each');
    assert.notEqual(memoryFor('flatline'), memoryFor('flatline'));
    assert.equal(measure(limit('hi'), {}, reading(5, 0), memoryFor('hi'), 0), 5, 'a limit reads nothing from it');
  });

  it('keeps each rate-of-change alarm its own previous sample', () => {
    const a = memoryFor('roc');
    const b = memoryFor('roc');
    measure(limit('roc'), {}, reading(0, 0), a, 0);
    measure(limit('roc'), {}, reading(100, 0), b, 0);
    assert.equal(measure(limit('roc'), {}, reading(10, 1000), a, 1000), 10);
    assert.equal(measure(limit('roc'), {}, reading(90, 1000), b, 1000), 10);
  });
});
