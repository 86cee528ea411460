import pg from 'pg';
import { POSTGRES, PostgresServer } from '../../scripts/servers/postgres.js';
import { requireBinary } from './services.js';

/** A PostgreSQL server for one suite (skipped without Debian's `postgresql`, a failure under CI=true). */
export async function startPostgres(ctx: Mocha.Context): Promise<PostgresServer> {
  requireBinary(ctx, POSTGRES, 'postgresql');
  const server = new PostgresServer();
  await server.start();
  return server;
}

let databases = 0;

/** A fresh, empty database on the server: one per test keeps tests independent. */
export async function freshDatabase(server: PostgresServer): Promise<string> {
  const name = `t${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${name}`);
}

export { PostgresServer };
