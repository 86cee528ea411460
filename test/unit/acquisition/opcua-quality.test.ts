import assert from 'node:assert/strict';
import { qualityOfStatus, readingValueOf } from '../../../gateway/src/acquisition/opcua/opcua-quality.js';

describe('OPC UA status code → reading quality', () => {
  const rows: [number, string, ReturnType<typeof qualityOfStatus>][] = [
    [0, 'Good', { quality: 'good' }],
    [0x00a70000, 'GoodClamped', { quality: 'good', reason: 'GoodClamped' }],
    [0x40900000, 'UncertainLastUsableValue', { quality: 'uncertain', reason: 'UncertainLastUsableValue' }],
    [0x808b0000, 'BadSensorFailure', { quality: 'bad', reason: 'BadSensorFailure' }],
    [0x80340000, 'BadNodeIdUnknown', { quality: 'bad', reason: 'BadNodeIdUnknown' }],
  ];
  for (const [code, name, expected] of rows) it(name, () => assert.deepEqual(qualityOfStatus(code, name), expected));

  it('passes numbers and booleans, joins 64-bit words, rejects other types', () => {
    assert.equal(readingValueOf(1.5, 'Double'), 1.5);
    assert.equal(readingValueOf(true, 'Boolean'), true);
    assert.equal(readingValueOf([1, 2], 'UInt64'), 0x1_0000_0002);
    assert.equal(readingValueOf([-1, 0xfffffffe], 'Int64'), -2);
    assert.equal(readingValueOf('text', 'String'), undefined);
    assert.equal(readingValueOf([1, 2, 3], 'Double'), undefined);
    assert.equal(readingValueOf(Number.NaN, 'Double'), undefined);
  });
});
