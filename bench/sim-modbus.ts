/**
 * Firmware simulator Modbus server: request round-trip and throughput under
 * concurrent clients, over Modbus TCP and RTU over TCP, on real sockets. The
 * clients are minimal raw-socket masters (one outstanding request each, as a
 * poller is), so the figures are the simulator's, not a client library's.
 */
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { loadSiteConfig, type ModbusTcpLink, type SiteConfig } from '@lifeline/core';
import { FirmwareSimulator } from '@lifeline/firmware-sim';
import { pino } from 'pino';
import { withCrc } from '../firmware-sim/src/modbus/crc16.js';
import { formatSummary, summarise } from './stats.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    requests: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '10' },
    devices: { type: 'string', default: '50' },
  },
});
const requests = Number(values.requests);
const clients = Number(values.clients);
const deviceCount = Number(values.devices);

async function site(framing: 'tcp' | 'rtu-over-tcp'): Promise<SiteConfig> {
  const base = await loadSiteConfig(new URL('../test/fixtures/gas-site.yaml', import.meta.url).pathname);
  const template = base.devices[0];
  if (template?.transport !== 'modbus' || template.modbus.framing === 'rtu') throw new Error('fixture changed');
  const link: ModbusTcpLink = template.modbus;
  const devices = Array.from({ length: deviceCount }, (_, i) => ({
    ...template,
    id: `gas-${i + 1}`,
    modbus: { ...link, framing, unitId: i + 1 },
  }));
  return { ...base, devices };
}

/** One master: sends a read of 17 holding registers, waits for the whole answer, repeats. */
async function master(port: number, framing: 'tcp' | 'rtu-over-tcp', count: number, samples: number[]): Promise<void> {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const answerLength = framing === 'tcp' ? 9 + 34 : 5 + 34;
  let tid = 0;
  for (let i = 0; i < count; i++) {
    const unit = 1 + (i % deviceCount);
    const pdu = Buffer.from([0x03, 0x00, 0x00, 0x00, 0x11]);
    const frame =
      framing === 'tcp'
        ? Buffer.concat([Buffer.from([tid >> 8, tid++ & 0xff, 0, 0, 0, pdu.length + 1, unit]), pdu])
        : withCrc(Buffer.concat([Buffer.from([unit]), pdu]));
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (chunk: Buffer) => {
        got += chunk.length;
        if (got < answerLength) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
      socket.write(frame);
    });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  socket.destroy();
}

export async function run(): Promise<void> {
  for (const framing of ['tcp', 'rtu-over-tcp'] as const) {
    const sim = new FirmwareSimulator(await site(framing), pino({ level: 'silent' }));
    const endpoints = await sim.start('127.0.0.1', 0);
    const port = endpoints.devices.get('gas-1')?.port ?? 0;
    const samples: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: clients }, () => master(port, framing, Math.ceil(requests / clients), samples)));
    const seconds = (Date.now() - started) / 1000;
    await sim.stop();
    process.stdout.write(
      `${formatSummary(`sim ${framing} read 17 regs`, summarise(samples))}  ${(samples.length / seconds).toFixed(0)} req/s (${clients} clients, ${deviceCount} units)\n`,
    );
  }
}
