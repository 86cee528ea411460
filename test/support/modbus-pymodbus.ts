import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { SYSTEM_PYTHON } from './services.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'modbus-pymodbus-server.py');

/** A pymodbus server process on a free loopback port (test/support/modbus-pymodbus-server.py). */
export class PymodbusServer {
  readonly port: number;
  readonly #child: ChildProcess;

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.#child = child;
  }

  /** Serves `units`; every other unit id is silent. Register i of unit u holds u*1000+i. */
  static async start(units: readonly number[], framer: 'socket' | 'rtu' = 'socket', port?: number): Promise<PymodbusServer> {
    const p = port ?? (await freePort());
    const child = spawn(SYSTEM_PYTHON, [SCRIPT, String(p), units.join(','), '--framer', framer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pymodbus did not start in 10 s: ${stderr}`)), 10_000);
      child.stdout?.on('data', (d) => {
        if (String(d).includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`pymodbus exited with ${code}: ${stderr}`));
      });
    });
    return new PymodbusServer(p, child);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill('SIGKILL');
    await exited;
  }
}
