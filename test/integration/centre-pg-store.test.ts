import assert from 'node:assert/strict';
import type { TwinPatch } from '@lifeline/twin';
import { MIGRATIONS, PgCentreStore, type StoreWrite } from '@lifeline/twin/centre';
import pg from 'pg';
import { freshDatabase, type PostgresServer, startPostgres } from '../support/postgres.js';
import { alarm, newTwin } from '../unit/centre/centre-fixtures.js';
import { centreStoreContract } from '../unit/centre/centre-store-contract.js';

describe('integration: the centre store on a real PostgreSQL', () => {
  let server: PostgresServer | undefined;

  before(async function () {
    this.timeout(30_000);
    server = await startPostgres(this);
  });
  after(async () => {
    await server?.dispose();
  });

  centreStoreContract('PostgreSQL', async () => PgCentreStore.open({ url: await freshDatabase(server as PostgresServer) }));

  it('applies every migration once, even with instances starting together', async () => {
    const url = await freshDatabase(server as PostgresServer);
    const stores = await Promise.all([1, 2, 3].map(() => PgCentreStore.open({ url })));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows;
      assert.deepEqual(
        rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
    } finally {
      await client.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('racing patches of one twin from several instances: exactly one applies each version', async () => {
    const url = await freshDatabase(server as PostgresServer);
    const stores = await Promise.all([1, 2, 3].map(() => PgCentreStore.open({ url })));
    try {
      const twin = newTwin();
      await stores[0]?.applySnapshot(twin.snapshot(0));
      for (let v = 1; v <= 10; v++) {
        twin.set(['alarmSeq'], v);
        const patch = twin.takePatch(0);
        if (!patch) throw new Error('no patch');
        const outcomes = await Promise.all(stores.map((s) => s.applyPatch(patch)));
        assert.equal(outcomes.filter((o) => o.kind === 'applied').length, 1, JSON.stringify(outcomes));
      }
      assert.deepEqual((await stores[1]?.twin('s1', 'g1'))?.reported, twin.reported);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('racing batches of the same gateways from several instances: no deadlock, each version and event stored once', async () => {
    const url = await freshDatabase(server as PostgresServer);
    const stores = await Promise.all([1, 2, 3].map(() => PgCentreStore.open({ url })));
    try {
      const names = Array.from({ length: 20 }, (_, i) => `g${i}`);
      const twins = names.map((g) => newTwin('b1', 's1', g));
      await stores[0]?.write(twins.map((t) => ({ kind: 'snapshot', snapshot: t.snapshot(0) })));
      for (let v = 1; v <= 10; v++) {
        const writes: StoreWrite[] = twins.flatMap((t, i) => {
          t.set(['alarmSeq'], v);
          const event = alarm(v, 'unacknowledged', 'b1', 's1', names[i]);
          return [
            { kind: 'patch', patch: t.takePatch(0) as TwinPatch },
            { kind: 'alarm', event, receivedAt: '2026-01-01T00:00:00.000Z' },
          ];
        });
        // Each instance holds the same messages in another order (a redelivery, or the share's spread): locks in another order.
        const orders = [writes, [...writes].reverse(), [...writes.slice(10), ...writes.slice(0, 10)]];
        const outcomes = await Promise.all(stores.map((s, i) => s.write(orders[i] as StoreWrite[])));
        const kinds = outcomes.flat().map((o) => o.kind);
        assert.equal(kinds.filter((k) => k === 'applied').length, twins.length, 'each patch applied by exactly one instance');
        assert.equal(kinds.filter((k) => k === 'journalled').length, twins.length, 'each event journalled once');
      }
      for (const [i, t] of twins.entries()) assert.deepEqual((await stores[1]?.twin('s1', names[i] as string))?.reported, t.reported);
      assert.equal((await stores[2]?.journal({ limit: 1000 }))?.length, 10 * twins.length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
