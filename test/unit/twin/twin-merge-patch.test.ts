import assert from 'node:assert/strict';
import { applyMergePatch, createMergePatch, type Json } from '@lifeline/twin';

/** RFC 7386 Appendix A: every example, as a table. */
const APPENDIX_A: [Json, Json, Json][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [
    ['a', 'b'],
    ['c', 'd'],
    ['c', 'd'],
  ],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('twin: JSON Merge Patch (RFC 7386)', () => {
  for (const [i, [target, patch, result]] of APPENDIX_A.entries()) {
    it(`applies Appendix A example ${i + 1}`, () => {
      const before = JSON.stringify(target);
      assert.deepEqual(applyMergePatch(target, patch), result);
      assert.equal(JSON.stringify(target), before, 'the target is not modified');
    });
  }

  it('creates the smallest patch, undefined when equal', () => {
    assert.equal(createMergePatch({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 2 } }), undefined);
    assert.deepEqual(createMergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 5 }, e: [1] }), { b: { c: 5, d: null }, e: [1] });
  });

  it('round-trips random documents: apply(from, create(from, to)) equals to', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const doc = (depth: number): Json => {
      if (depth === 0 || random() < 0.3) return random() < 0.5 ? Math.round(random() * 10) : random() < 0.5 ? 'x' : [1, 2];
      const o: Record<string, Json> = {};
      for (let k = 0; k < 4; k++) if (random() < 0.7) o[`k${k}`] = doc(depth - 1);
      return o;
    };
    for (let n = 0; n < 300; n++) {
      const from = doc(4);
      const to = doc(4);
      const patch = createMergePatch(from, to);
      assert.deepEqual(patch === undefined ? from : applyMergePatch(from, patch), to);
    }
  });
});
