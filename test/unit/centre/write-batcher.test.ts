import assert from 'node:assert/strict';
import type { StoreWrite, WriteOutcome } from '@lifeline/twin/centre';
import { WriteBatcher } from '@lifeline/twin/centre';
import sinon from 'sinon';
import { alarm } from './centre-fixtures.js';

/** A store whose writes stay open until the test commits them, recording each batch. */
function slowStore() {
  const batches: StoreWrite[][] = [];
  const commits: (() => void)[] = [];
  const fails: ((e: Error) => void)[] = [];
  const store = {
    write: (batch: readonly StoreWrite[]) =>
      new Promise<WriteOutcome[]>((resolve, reject) => {
        batches.push([...batch]);
        commits.push(() => resolve(batch.map(() => ({ kind: 'journalled' }))));
        fails.push(reject);
      }),
  };
  return { store, batches, commits, fails };
}

const write = (seq: number): StoreWrite => ({ kind: 'alarm', event: alarm(seq, 'unacknowledged'), receivedAt: '2026-01-01T00:00:00.000Z' });
const seqs = (batch: StoreWrite[] | undefined) => batch?.map((w) => (w.kind === 'alarm' ? w.event.seq : -1));

describe('centre: writes batched into one store write', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('writes at once when idle, gathers what arrives while a batch commits, and settles each write after its commit', async () => {
    const { store, batches, commits } = slowStore();
    const batcher = new WriteBatcher({ store, windowMs: 2 });
    const settled: WriteOutcome[] = [];
    const first = batcher.write(write(1)).then((o) => settled.push(o));
    assert.deepEqual(batches.map(seqs), [[1]], 'idle: no window');
    const later = [2, 3].map((s) => batcher.write(write(s)).then((o) => settled.push(o)));
    await clock.tickAsync(1);
    assert.equal(batches.length, 1, 'the window is still open');
    await clock.tickAsync(1);
    assert.deepEqual(batches.map(seqs), [[1], [2, 3]]);
    assert.deepEqual(settled, [], 'nothing settles before its commit');
    commits[1]?.();
    await Promise.all(later);
    assert.equal(settled.length, 2);
    commits[0]?.();
    await first;
    assert.deepEqual(settled, [{ kind: 'journalled' }, { kind: 'journalled' }, { kind: 'journalled' }]);
  });

  it('sends a full batch at once, and waits for a commit when as many batches as allowed are in flight', async () => {
    const { store, batches, commits } = slowStore();
    const batcher = new WriteBatcher({ store, maxItems: 2, maxInFlight: 1, windowMs: 5 });
    const all = [1, 2, 3, 4, 5, 6].map((s) => batcher.write(write(s)));
    await clock.tickAsync(0);
    assert.deepEqual(batches.map(seqs), [[1]], 'idle: the first goes alone');
    await clock.tickAsync(10);
    assert.equal(batches.length, 1, 'one in flight at most');
    commits[0]?.();
    await clock.tickAsync(0);
    assert.deepEqual(seqs(batches[1]), [2, 3], 'the commit sends what gathered meanwhile, a full batch at most');
    commits[1]?.();
    await clock.tickAsync(0);
    assert.deepEqual(seqs(batches[2]), [4, 5]);
    commits[2]?.();
    await clock.tickAsync(0);
    assert.deepEqual(seqs(batches[3]), [6]);
    commits[3]?.();
    assert.equal((await Promise.all(all)).length, 6);
  });

  it('rejects every write of a batch that failed, and keeps batching afterwards', async () => {
    const { store, batches, commits, fails } = slowStore();
    const batcher = new WriteBatcher({ store, windowMs: 1, maxInFlight: 1 });
    const outcome = (p: Promise<WriteOutcome>) =>
      p.then(
        () => 'ok',
        (e: Error) => e.message,
      );
    const first = outcome(batcher.write(write(1)));
    const gathered = [outcome(batcher.write(write(2))), outcome(batcher.write(write(3)))];
    commits[0]?.();
    await clock.tickAsync(0);
    assert.deepEqual(seqs(batches[1]), [2, 3]);
    fails[1]?.(new Error('database down'));
    assert.deepEqual(await Promise.all([first, ...gathered]), ['ok', 'database down', 'database down']);
    const next = batcher.write(write(4));
    commits[2]?.();
    assert.deepEqual(await next, { kind: 'journalled' });
    assert.equal(batches.length, 3);
  });

  it('stop() clears the window timer: nothing gathered is written after it', async () => {
    const { store, batches } = slowStore();
    const batcher = new WriteBatcher({ store, windowMs: 2 });
    void batcher.write(write(1));
    void batcher.write(write(2));
    batcher.stop();
    await clock.tickAsync(10);
    assert.equal(batches.length, 1, 'only the first, sent while idle');
    assert.equal(clock.countTimers(), 0);
  });
});
