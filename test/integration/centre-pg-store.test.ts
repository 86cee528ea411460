import assert from 'node:assert/strict';
import { MIGRATIONS, PgCentreStore } from '@lifeline/twin/centre';
import pg from 'pg';
import { freshDatabase, type PostgresServer, startPostgres } from '../support/postgres.js';
import { newTwin } from '../unit/centre/centre-fixtures.js';
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
});
