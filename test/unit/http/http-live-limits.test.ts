import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { backpressure } from '../../../gateway/src/http/routes/live.js';
import { type Harness, harness, TOKENS } from './http-fake-view.js';

/** The process's open file descriptors: client and server ends both live here. */
const openFds = () => readdirSync('/proc/self/fd').length;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The live feed's subprotocols with a bearer token beside them (browsers cannot send headers on a WebSocket). */
const bearer = (token: string) => ['lifeline.v1', `lifeline.bearer.${Buffer.from(token).toString('base64url')}`];

function upgradeRequest(path: string, token?: string): string {
  return [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...(token ? [`Sec-WebSocket-Protocol: ${bearer(token).join(', ')}`] : []),
    '',
    '',
  ].join('\r\n');
}

/** A raw client that sends an upgrade and never closes its end: only the server can end it. */
function rawUpgrade(
  port: number,
  path: string,
  token?: string,
): Promise<{ socket: Socket; answer: () => string; closedByServer: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(upgradeRequest(path, token));
      let text = '';
      socket.on('data', (d) => {
        text += String(d);
      });
      const closedByServer = new Promise<void>((r) => socket.once('end', () => r()));
      resolve({ socket, answer: () => text, closedByServer });
    });
    socket.on('error', reject);
  });
}

describe('HTTP live WebSocket limits: no leaked sockets, a connection cap, backpressure', () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await harness({ anonymous: 'none', live: { maxClients: 3, maxBufferedBytes: 65_536 } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    port = (h.app.server.address() as { port: number }).port;
  });
  after(async () => h.app.close());

  it('closes the socket of every refused upgrade (wrong token): the fd count returns to where it was', async () => {
    const before = openFds();
    const clients = [];
    for (let i = 0; i < 100; i++) clients.push(await rawUpgrade(port, '/ws', 'not-a-known-token-at-all'));
    await Promise.all(clients.map((c) => c.closedByServer));
    for (const c of clients) assert.match(c.answer(), /^HTTP\/1\.1 401/);
    for (const c of clients) c.socket.destroy();
    await until(() => openFds() <= before + 1, `fds back to ${before} (now ${openFds()})`);
  });

  it('closes a connection beyond http.live.maxClients with 1013 (try again later)', async () => {
    const url = `ws://127.0.0.1:${port}/ws`;
    const sockets = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(url, bearer(TOKENS.viewer));
            ws.once('message', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    const extra = new WebSocket(url, bearer(TOKENS.viewer));
    const code = await new Promise<number>((resolve) => extra.once('close', (c) => resolve(c)));
    assert.equal(code, 1013);
    for (const ws of sockets) ws.terminate();
  });

  it('closes a client that sends a message over 4 KiB with 1009 (message too big) instead of buffering it', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, bearer(TOKENS.viewer));
    await new Promise((resolve) => ws.once('message', resolve));
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    ws.send(Buffer.alloc(65_536, 1));
    assert.equal(await code, 1009);
  });

  it('closes a client that never reads once its queue passes maxBufferedBytes, and frees its socket', async () => {
    await until(() => h.app.websocketServer.clients.size === 0, 'earlier clients gone');
    const before = openFds();
    const client = await rawUpgrade(port, '/ws', TOKENS.viewer);
    await until(() => client.answer().startsWith('HTTP/1.1 101'), 'the upgrade');
    client.socket.pause(); // never read again: the server's queue for it grows
    const big = Array.from({ length: 2000 }, (_, i) => ({
      device: 'gas-1',
      point: `p${i}`,
      value: i,
      quality: 'good' as const,
      sourceTs: 0,
      rxTs: 0,
    }));
    let sent = 0;
    while (h.app.websocketServer.clients.size > 0 && sent < 2000) {
      h.bus.emit('readings', big);
      h.bus.emit('alarm', { id: 'x' } as never);
      sent += 1;
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(h.app.websocketServer.clients.size, 0, `the slow client was closed (after ${sent} batches)`);
    client.socket.destroy();
    await until(() => openFds() <= before, `fds back to ${before} (now ${openFds()})`);
  });

  it('drops readings above half the queue limit, keeps alarms and comm changes, closes at the limit', () => {
    const readings = { type: 'readings', readings: [] } as const;
    const alarm = { type: 'alarm', event: {} } as never;
    const table: [number, 'readings' | 'alarm', string][] = [
      [0, 'readings', 'send'],
      [499, 'readings', 'send'],
      [500, 'readings', 'drop'],
      [500, 'alarm', 'send'],
      [999, 'alarm', 'send'],
      [1000, 'alarm', 'close'],
      [1000, 'readings', 'close'],
    ];
    for (const [buffered, kind, want] of table)
      assert.equal(backpressure(buffered, 1000, kind === 'readings' ? readings : alarm), want, `${buffered} ${kind}`);
  });
});
