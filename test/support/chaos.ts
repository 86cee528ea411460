import { setTimeout as sleep } from 'node:timers/promises';
import type { InfluxDb1Server } from '../../scripts/servers/influxdb.js';
import type { CliRun } from './cli.js';
import type { GasBench } from './gas-bench.js';
import { setPoint } from './site-harness.js';

export interface ChaosSettings {
  readonly seed: number;
  /** How long the chaos lasts, before the links come back and the run converges. */
  readonly seconds: number;
}

/** LIFELINE_CHAOS_SEED replays a run; LIFELINE_CHAOS_SECONDS makes it longer (CI: the short default). */
export function chaosSettings(env: NodeJS.ProcessEnv = process.env): ChaosSettings {
  const seed = env.LIFELINE_CHAOS_SEED ? Number(env.LIFELINE_CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
  const seconds = env.LIFELINE_CHAOS_SECONDS ? Number(env.LIFELINE_CHAOS_SECONDS) : 30;
  if (!Number.isInteger(seed) || !(seconds > 0)) throw new Error('LIFELINE_CHAOS_SEED must be an integer and LIFELINE_CHAOS_SECONDS > 0');
  return { seed, seconds };
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1); the same seed gives the same choices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPERATOR_TOKEN = 'chaos-operator-token-0123456789';
const POINTS = ['lel1', 'lel2'] as const;

/** The gateway's HTTP port from its banner, once it has printed it. */
function httpPort(run: CliRun | undefined): number | undefined {
  const m = run && /dashboard\s+http:\/\/localhost:(\d+)\//.exec(run.stdout);
  return m ? Number(m[1]) : undefined;
}

const alive = (run: CliRun | undefined): run is CliRun => run !== undefined && run.child.exitCode === null && run.child.signalCode === null;

/**
 * The chaos monkey of test/integration/alarm-chaos.test.ts: each step is one
 * seeded random action — flip an alarm's point, ack an alarm, kill -9 the
 * gateway (and start it again, sometimes armed to crash itself inside the
 * save/outbox window), stall or restart the centre broker, take InfluxDB
 * down — then a seeded random pause. Which moment a kill or a stall
 * hits is left to the machine: only the choices are replayable.
 */
export class Chaos {
  readonly #bench: GasBench;
  readonly #influx: InfluxDb1Server;
  readonly #settings: ChaosSettings;
  readonly #rng: () => number;
  readonly #counts = { flips: 0, acks: 0, kills: 0, crashPoints: 0, stalls: 0, brokerRestarts: 0, influxDown: 0 };
  #gateway: CliRun | undefined;
  #stalledUntil: number | undefined;

  constructor(bench: GasBench, influx: InfluxDb1Server, settings: ChaosSettings) {
    this.#bench = bench;
    this.#influx = influx;
    this.#settings = settings;
    this.#rng = prng(settings.seed);
  }

  summary(): string {
    return Object.entries(this.#counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  }

  async run(): Promise<void> {
    this.#gateway = await this.#bench.startGateway({ LIFELINE_OPERATOR_TOKEN: OPERATOR_TOKEN });
    const end = Date.now() + this.#settings.seconds * 1000;
    while (Date.now() < end) {
      if (this.#stalledUntil !== undefined && Date.now() >= this.#stalledUntil) this.#resume();
      // A gateway armed with a crash point killed itself at its first alarm event: start a plain one.
      if (!alive(this.#gateway)) this.#gateway = this.#spawn();
      await this.#step(this.#rng());
      await sleep(50 + this.#rng() * 550);
    }
  }

  /** Every link back, the gateway up, both points low, every alarm acked until the gateway shows none. */
  async settle(): Promise<void> {
    this.#resume();
    await this.#upAndServing();
    for (const point of POINTS) await setPoint(this.#bench.simUrl, 'gas-1', point, 5);
    const deadline = Date.now() + 120_000;
    for (;;) {
      // The clears below are alarm events: an armed gateway kills itself at the first, and a plain one takes over.
      if (!alive(this.#gateway)) await this.#upAndServing();
      const active = await this.#active();
      if (active?.length === 0) return;
      if (Date.now() > deadline) throw new Error(`alarms still active after settling: ${JSON.stringify(active)}`);
      for (const a of active ?? []) if (a.state.endsWith('unacknowledged')) await this.#ack(a.alarmId);
      await sleep(300);
    }
  }

  /**
   * A gateway serving its dashboard. One armed by the last kill (LL_TEST_CRASH_AT) may still be starting and
   * SIGKILL itself at the first alarm event it republishes: then a plain one is started.
   */
  async #upAndServing(): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      if (!alive(this.#gateway)) this.#gateway = this.#spawn();
      try {
        await this.#gateway.waitForOutput('dashboard', 60_000);
        return;
      } catch (e) {
        if (alive(this.#gateway) || attempt >= 3) throw e;
      }
    }
  }

  async #step(r: number): Promise<void> {
    if (r < 0.45) await this.#flip();
    else if (r < 0.6) await this.#ackSome();
    else if (r < 0.77) await this.#kill();
    else if (r < 0.88) this.#stall();
    else if (r < 0.96) await this.#restartBroker();
    else if (this.#counts.influxDown === 0) {
      this.#counts.influxDown += 1;
      await this.#influx.stop();
    }
  }

  /** A point above hihi (50 %LEL) or below its clear (48), sometimes flipped straight back: chatter. */
  async #flip(): Promise<void> {
    const point = POINTS[Math.floor(this.#rng() * POINTS.length)] as string;
    const high = this.#rng() < 0.5;
    this.#counts.flips += 1;
    await setPoint(this.#bench.simUrl, 'gas-1', point, high ? 55 + this.#rng() * 40 : this.#rng() * 20);
    if (this.#rng() < 0.2) await setPoint(this.#bench.simUrl, 'gas-1', point, high ? this.#rng() * 20 : 55 + this.#rng() * 40);
  }

  async #ackSome(): Promise<void> {
    const waiting = (await this.#active())?.filter((a) => a.state.endsWith('unacknowledged')) ?? [];
    const pick = waiting[Math.floor(this.#rng() * waiting.length)];
    if (pick) await this.#ack(pick.alarmId);
  }

  /** kill -9, mostly of a gateway that is up, sometimes of one still starting; then start another. */
  async #kill(): Promise<void> {
    const run = this.#gateway;
    if (!alive(run) || (httpPort(run) === undefined && this.#rng() < 0.7)) return;
    this.#counts.kills += 1;
    run.child.kill('SIGKILL');
    await run.exited;
    if (this.#rng() < 0.5) await sleep(this.#rng() * 1500);
    // A random kill seldom lands between an event's save and its outbox commit: half the restarts
    // are armed to SIGKILL themselves exactly there (LL_TEST_CRASH_AT, gateway/src/alarms/test-crash-point.ts).
    const armed = this.#rng() < 0.5 ? (this.#rng() < 0.5 ? 'before-outbox' : 'after-outbox') : undefined;
    if (armed) this.#counts.crashPoints += 1;
    this.#gateway = this.#spawn(armed);
  }

  /** SIGSTOP: every link to the broker half-open; resumed by `run` once the stall is over. */
  #stall(): void {
    if (this.#stalledUntil !== undefined) return;
    this.#counts.stalls += 1;
    this.#bench.broker.signal('SIGSTOP');
    this.#stalledUntil = Date.now() + 500 + this.#rng() * 3500;
  }

  #resume(): void {
    if (this.#stalledUntil === undefined) return;
    this.#bench.broker.signal('SIGCONT');
    this.#stalledUntil = undefined;
  }

  /** A clean restart: the persistent broker keeps the centre subscriber's queued messages. */
  async #restartBroker(): Promise<void> {
    if (this.#stalledUntil !== undefined) return;
    this.#counts.brokerRestarts += 1;
    await this.#bench.broker.stop();
    await sleep(this.#rng() * 1000);
    await this.#bench.broker.start();
  }

  #spawn(crashAt?: 'before-outbox' | 'after-outbox'): CliRun {
    return this.#bench.spawnGateway({ LIFELINE_OPERATOR_TOKEN: OPERATOR_TOKEN, ...(crashAt ? { LL_TEST_CRASH_AT: crashAt } : {}) });
  }

  /** The gateway's active alarms, or undefined while it is down or starting. */
  async #active(): Promise<{ alarmId: string; state: string }[] | undefined> {
    const port = alive(this.#gateway) ? httpPort(this.#gateway) : undefined;
    if (port === undefined) return undefined;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/alarms`, this.#request());
      return res.ok ? ((await res.json()) as { alarmId: string; state: string }[]) : undefined;
    } catch {
      return undefined; // killed meanwhile
    }
  }

  async #ack(alarmId: string): Promise<void> {
    const port = alive(this.#gateway) ? httpPort(this.#gateway) : undefined;
    if (port === undefined) return;
    this.#counts.acks += 1;
    const body = JSON.stringify({ alarmId, comment: 'chaos' });
    // A refusal (already acked meanwhile) or a gateway killed meanwhile is part of the chaos.
    await fetch(`http://127.0.0.1:${port}/api/alarms/ack`, { ...this.#request(), method: 'POST', body })
      .then((res) => res.body?.cancel())
      .catch(() => undefined);
  }

  #request(): RequestInit {
    // Bounded, so a request to a gateway that dies mid-answer does not hold the run up.
    return {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(5000),
    };
  }
}
