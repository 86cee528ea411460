import assert from 'node:assert/strict';
import { createServer, Socket } from 'node:net';
import { Aedes } from 'aedes';
import { connect } from 'mqtt';
import sinon from 'sinon';
import { sendWithoutDelay } from '../../../twin/src/mqtt-no-delay.js';
import { freePort } from '../../support/ports.js';

describe('MQTT client sockets without Nagle', () => {
  afterEach(() => sinon.restore());

  it('sets TCP_NODELAY on the socket at once and again after a reconnect', async () => {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const noDelay = sinon.spy(Socket.prototype, 'setNoDelay');
    const client = sendWithoutDelay(connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 50 }));
    try {
      await new Promise((r) => client.once('connect', r));
      const first = client.stream;
      assert.ok(noDelay.calledOn(first) && noDelay.alwaysCalledWith(true), 'the first socket');
      // The broker drops the connection: MQTT.js opens a new socket, which gets the option too.
      const reconnected = new Promise((r) => client.once('connect', r));
      first.destroy();
      await reconnected;
      assert.notEqual(client.stream, first);
      assert.ok(noDelay.calledOn(client.stream), 'the reconnected socket');
    } finally {
      await client.endAsync(true);
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
