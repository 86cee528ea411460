import assert from 'node:assert/strict';
import { qualityOfStatus, readingValueOf, sampleOf } from '../../../gateway/src/acquisition/opcua/opcua-quality.js';

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

  it('turns a data change into a reading and names the health counter of a failure', () => {
    const ts = { sourceTs: 1000, rxTs: 1005 };
    assert.deepEqual(sampleOf('heat-1', 'temp', { value: 0, name: 'Good' }, { value: 71.5, dataType: 11 }, 'Double', ts), {
      reading: { device: 'heat-1', point: 'temp', value: 71.5, quality: 'good', sourceTs: 1000, rxTs: 1005 },
    });
    const uncertain = sampleOf('heat-1', 'temp', { value: 0x40000000, name: 'Uncertain' }, { value: 3, dataType: 11 }, 'Double', ts);
    assert.deepEqual([uncertain.reading.quality, uncertain.reading.reason, uncertain.failure], ['uncertain', 'Uncertain', undefined]);
    const bad = sampleOf('heat-1', 'temp', { value: 0x808b0000, name: 'BadSensorFailure' }, { value: 3, dataType: 11 }, 'Double', ts);
    assert.deepEqual([bad.reading.quality, bad.reading.value, bad.failure], ['bad', undefined, 'exceptions']);
    const wrongType = sampleOf('heat-1', 'temp', { value: 0, name: 'Good' }, { value: 'hot', dataType: 12 }, 'String', ts);
    assert.equal(wrongType.failure, 'badFrames');
    assert.match(wrongType.reading.reason ?? '', /String/);
  });
});
