import { PgCentreStore, type StoreChange } from '@lifeline/twin/centre';
import { freshDatabase, type PostgresServer, startPostgres } from '../support/postgres.js';
import { waitUntil } from '../support/twin-link.js';
import { newTwin } from '../unit/centre/centre-fixtures.js';

/** Every instance's WebSocket feed hangs on one LISTEN session: it must come back when the database does. */
describe('integration: the centre store LISTENs again after PostgreSQL restarts', function () {
  this.timeout(60_000);
  let server: PostgresServer | undefined;

  before(async function () {
    server = await startPostgres(this);
  });
  after(async () => {
    await server?.dispose();
  });

  it('changes stored after the restart reach the watchers', async () => {
    const db = server as PostgresServer;
    const store = await PgCentreStore.open({ url: await freshDatabase(db) });
    const seen: StoreChange[] = [];
    try {
      store.watch((c) => seen.push(c));
      await waitUntil(() => store.listening, 10_000, 'the first LISTEN');
      await db.stop('fast'); // clients are cut off, as in a crash or failover
      await waitUntil(() => !store.listening, 10_000, 'the listener to notice');
      await db.start();
      await waitUntil(() => store.listening, 30_000, 'LISTEN again after the restart');
      // The pool's first query may meet a connection the server closed; the centre's consumers retry the same way.
      await waitUntil(
        () =>
          store.applySnapshot(newTwin().snapshot(0)).then(
            () => true,
            () => false,
          ),
        10_000,
        'a write after the restart',
      );
      await waitUntil(() => seen.some((c) => c.type === 'twin'), 10_000, 'the twin change on the feed');
    } finally {
      await store.close();
    }
  });
});
