import { type ChildProcess, spawn } from 'node:child_process';
import { waitForPort } from './wait-for-port.js';

/** A server process a test harness started, with everything it printed (for diagnostics). */
export interface ServerProcess {
  readonly child: ChildProcess;
  log(): string;
}

/** Spawns a server and waits until it accepts connections on `port`; a timeout shows what it printed. */
export async function startServer(bin: string, args: readonly string[], port: number, timeoutMs: number): Promise<ServerProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const server = { child, log: () => output };
  try {
    await waitForPort(port, timeoutMs, server.log);
  } catch (e) {
    await terminate(server); // never leave a half-started server behind
    throw e;
  }
  return server;
}

/** SIGTERM (or `signal`) a server process the harness started and wait until it has exited (a no-op when it already has). */
export async function terminate(server: ServerProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const child = server?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
