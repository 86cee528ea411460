import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IdHeap } from '../../../gateway/src/acquisition/modbus/id-heap.js';

const SIZE = 12;

type Op = { readonly kind: 'set'; readonly id: number; readonly key: number } | { readonly kind: 'delete' | 'pop'; readonly id: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    id: fc.nat(SIZE - 1),
    key: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true })),
  }),
  fc.record({ kind: fc.constantFrom('delete' as const, 'pop' as const), id: fc.nat(SIZE - 1) }),
);

/** The least (key, id) of a plain map: what the heap's top must be. */
function least(model: Map<number, number>): { id: number; key: number } {
  let best = { id: -1, key: Number.POSITIVE_INFINITY };
  for (const [id, key] of model) if (best.id === -1 || key < best.key || (key === best.key && id < best.id)) best = { id, key };
  return best;
}

describe('id heap (indexed binary min-heap)', () => {
  it('keeps the least key (then the lowest id) on top through any mix of inserts, re-keys and deletes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const heap = new IdHeap(SIZE);
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            heap.set(o.id, o.key);
            model.set(o.id, o.key);
          } else {
            const id = o.kind === 'pop' ? heap.peek() : o.id;
            if (id !== -1) heap.delete(id);
            model.delete(id);
          }
          const want = least(model);
          assert.equal(heap.size, model.size);
          assert.equal(heap.peek(), want.id);
          assert.equal(heap.minKey(), want.key);
          for (let id = 0; id < SIZE; id++) assert.equal(heap.has(id), model.has(id));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('empties on clear and can be filled again', () => {
    const heap = new IdHeap(3);
    heap.set(2, 5);
    heap.set(0, 7);
    heap.clear();
    assert.equal(heap.peek(), -1);
    assert.equal(heap.minKey(), Number.POSITIVE_INFINITY);
    heap.set(1, 3);
    assert.equal(heap.peek(), 1);
  });
});
