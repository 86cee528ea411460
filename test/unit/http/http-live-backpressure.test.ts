import assert from 'node:assert/strict';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket from 'ws';
import { LIVE_MAX_BUFFERED_BYTES } from '../../../gateway/src/http/routes/live.js';
import { type Harness, harness } from './http-fake-view.js';

/** A batch of readings of ~100 KB on the wire. */
function batch(n: number) {
  return Array.from({ length: 1000 }, (_, i) => ({
    device: 'gas-1',
    point: 'lel1',
    value: n + i / 1000,
    quality: 'good' as const,
    sourceTs: n,
    rxTs: n,
  }));
}

describe('HTTP /ws: a dashboard that reads too slowly', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => h.app.close());

  it('is closed with 1013 once more than the buffer bound is queued for it, not buffered without bound', async () => {
    const port = (h.app.server.address() as AddressInfo).port;
    const listening = h.bus.listenerCount('readings');
    const client = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    await until(() => h.bus.listenerCount('readings') === listening + 1);
    // Stop reading: the kernel buffers fill, then the server's queue grows, until the server gives up on the socket.
    (client as unknown as { _socket: Socket })._socket.pause();
    let sent = 0;
    while (h.bus.listenerCount('readings') > listening) {
      assert.ok(sent < 512 * 1024 * 1024, `still subscribed after ${sent} bytes`);
      h.bus.emit('readings', batch(sent));
      sent += 100_000;
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(sent > LIVE_MAX_BUFFERED_BYTES, 'not before the bound');
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    (client as unknown as { _socket: Socket })._socket.resume();
    assert.equal(await closed, 1013);
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}
