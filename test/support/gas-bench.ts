import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlarmEvent } from '@lifeline/twin';
import { MemoryCentreStore } from '@lifeline/twin/centre';
import { pino } from 'pino';
import { loadSiteConfig } from '../../core/src/index.js';
import { FirmwareSimulator } from '../../firmware-sim/src/simulator.js';
import { MosquittoBroker } from '../../scripts/servers/mosquitto.js';
import { type CliRun, GATEWAY_BIN, killCli, startCli } from './cli.js';
import { DurableCollector } from './durable-collector.js';

/** A gas station site whose gateway polls gas-1 fast and sends to `centreUrl`; `extra` adds top-level YAML. */
export const gasSite = (devicePort: number, centreUrl: string, extra = '') => `
site: test-site
gateway: gw-test
stateDir: state
http: { host: 127.0.0.1, port: 0 }
mqtt:
  local: { enabled: false }
  centre: { url: "${centreUrl}", protocolVersion: 5, ackTimeoutMs: 2000 }
telemetry: { batchIntervalMs: 50 }
simulator: { http: { host: 127.0.0.1, port: 0 } }
alarms:
  # These benches raise one alarm many times a minute and compare the centre with the gateway's journal and log:
  # keep the analytics' own chatter and flood events (docs/alarms.md, not journalled) out of what they count.
  analytics: { chatterRaises: 1000, floodStart: 100000, floodEnd: 1 }
${extra}
devices:
  - id: gas-1
    profile: gas-detector
    modbus: { host: 127.0.0.1, port: ${devicePort}, unitId: 1, timeoutMs: 500 }
    pollIntervalMs: 50
    points:
      lel1:
        limits:
          hihi: { offDelayMs: 100 }
          # Only hihi counts here: the orange hi (1 s on-delay) must not fire on a slow machine.
          hi: { onDelayMs: 3600000 }
      lel2:
        limits:
          hihi: { offDelayMs: 100 }
          hi: { onDelayMs: 3600000 }
`;

export interface AlarmLogLine {
  msg: string;
  bootId?: string;
  seq?: number;
  alarmId?: string;
  event?: string;
  value?: number;
}

/** The gateway's own account (pino JSON on stderr) of the alarm events it published: logged after the outbox commit. */
export function loggedAlarms(run: CliRun): AlarmLogLine[] {
  const lines = run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as AlarmLogLine);
  const bootId = lines.find((l) => l.msg === 'gateway started')?.bootId;
  return lines.filter((l) => l.msg === 'alarm').map((l) => ({ ...l, bootId }));
}

/**
 * A gateway CLI bench for kill -9 tests: a persistent Mosquitto as the centre
 * broker, a durable centre subscriber to every alarm, the simulator serving
 * gas-1 in-process, and a site file over one state folder that every run of
 * the gateway shares.
 */
export class GasBench {
  readonly broker = new MosquittoBroker({ persistence: true });
  centre!: DurableCollector;
  simUrl = '';
  readonly #dir: string;
  #simulator: FirmwareSimulator | undefined;
  #gateway: CliRun | undefined;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  static async open(extraYaml = ''): Promise<GasBench> {
    const bench = new GasBench(await mkdtemp(join(tmpdir(), 'lifeline-gas-bench-')));
    await bench.broker.start();
    bench.centre = await DurableCollector.open(bench.broker.url, 'lifeline/v1/+/+/alarms');
    await writeFile(join(bench.#dir, 'sim.yaml'), gasSite(0, bench.broker.url));
    bench.#simulator = new FirmwareSimulator(await loadSiteConfig(join(bench.#dir, 'sim.yaml')), pino({ level: 'silent' }));
    const sim = await bench.#simulator.start();
    await writeFile(join(bench.#dir, 'site.yaml'), gasSite(sim.devices.get('gas-1')?.port as number, bench.broker.url, extraYaml));
    bench.simUrl = `http://127.0.0.1:${sim.controlPort}`;
    return bench;
  }

  /** The state folder every gateway run of this bench uses (alarms.db, outbox.db). */
  get stateDir(): string {
    return join(this.#dir, 'state');
  }

  /** Starts the gateway CLI over the bench's state folder; resolves once it has printed its dashboard URL. */
  async startGateway(env: Record<string, string> = {}): Promise<CliRun> {
    const run = this.spawnGateway(env);
    await run.waitForOutput('dashboard', 60_000);
    return run;
  }

  /** Starts the gateway without waiting: for a run that may kill itself, or be killed, before it is up. */
  spawnGateway(env: Record<string, string> = {}): CliRun {
    this.#gateway = startCli(GATEWAY_BIN, ['run', '--config', join(this.#dir, 'site.yaml')], {
      LIFELINE_LOG_LEVEL: 'info',
      LIFELINE_STATE_DIR: this.stateDir,
      ...env,
    });
    return this.#gateway;
  }

  /**
   * The alarm events a centre journals from every message the durable subscriber got, in arrival order:
   * the centre's own store (MemoryCentreStore, unique by boot id and seq and by eventId as on PostgreSQL).
   */
  async mirrored(): Promise<AlarmEvent[]> {
    const store = new MemoryCentreStore();
    const passed: AlarmEvent[] = [];
    for (const m of this.centre.messages) {
      if (!m.topic.endsWith('/alarms')) continue;
      const event = m.payload as AlarmEvent;
      if (await store.appendAlarm(event, new Date().toISOString())) passed.push(event);
    }
    return passed;
  }

  async dispose(): Promise<void> {
    await killCli(this.#gateway);
    await this.#simulator?.stop();
    await this.centre?.close();
    this.broker.signal('SIGCONT');
    await this.broker.dispose();
    await rm(this.#dir, { recursive: true, force: true });
  }
}
