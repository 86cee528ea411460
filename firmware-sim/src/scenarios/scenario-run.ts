import type { Logger } from 'pino';
import type { SimEngine, Ticking } from '../engine/sim-engine.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { type Scenario, scenarioDurationMs } from './scenario-schema.js';

export type RunState = 'running' | 'completed' | 'stopped';

export interface RunStatus {
  readonly scenario: string;
  readonly devices: readonly string[];
  readonly state: RunState;
  readonly timeScale: number;
  readonly elapsedMs: number;
  readonly durationMs: number;
}

interface ActiveRamp {
  readonly point: string;
  readonly from: number;
  readonly to: number;
  readonly startMs: number;
  readonly durationMs: number;
}

/**
 * One run of a scenario on some devices, advanced by the engine's ticks in
 * scenario time (real elapsed × timeScale). Points it touches are taken from
 * their behaviour while it runs and given back when it ends.
 */
export class ScenarioRun implements Ticking {
  readonly scenario: Scenario;
  readonly #engine: SimEngine;
  readonly #devices: readonly SimulatedDevice[];
  readonly #log: Logger;
  readonly #timeScale: number;
  readonly #startReal: number;
  readonly #durationMs: number;
  readonly #touched = new Set<string>();
  readonly #ramps: ActiveRamp[] = [];
  readonly #onEnd: (run: ScenarioRun) => void;
  #next = 0;
  #elapsed = 0;
  #state: RunState = 'running';

  constructor(
    scenario: Scenario,
    devices: readonly SimulatedDevice[],
    engine: SimEngine,
    log: Logger,
    options: { timeScale: number; nowMs?: number; onEnd?: (run: ScenarioRun) => void },
  ) {
    this.scenario = scenario;
    this.#devices = devices;
    this.#engine = engine;
    this.#log = log;
    this.#timeScale = options.timeScale;
    this.#startReal = options.nowMs ?? Date.now();
    this.#durationMs = scenarioDurationMs(scenario);
    this.#onEnd = options.onEnd ?? (() => {});
    for (const d of devices) {
      for (const [point, b] of Object.entries(scenario.behaviour ?? {})) engine.overrideBehaviour(d.id, point, b);
    }
    this.#log.info(
      { scenario: scenario.name, devices: devices.map((d) => d.id), timeScale: this.#timeScale, durationMs: this.#durationMs },
      `scenario ${scenario.name} started on ${devices.map((d) => d.id).join(', ')} (×${this.#timeScale})`,
    );
  }

  get state(): RunState {
    return this.#state;
  }

  status(): RunStatus {
    return {
      scenario: this.scenario.name,
      devices: this.#devices.map((d) => d.id),
      state: this.#state,
      timeScale: this.#timeScale,
      elapsedMs: Math.min(this.#elapsed, this.#durationMs),
      durationMs: this.#durationMs,
    };
  }

  tick(nowMs: number): void {
    if (this.#state !== 'running') return;
    this.#elapsed = (nowMs - this.#startReal) * this.#timeScale;
    const steps = this.scenario.steps;
    while (this.#next < steps.length && (steps[this.#next]?.atMs ?? Infinity) <= this.#elapsed) {
      const step = steps[this.#next++];
      if (!step) break;
      if (step.note) this.#log.info({ scenario: this.scenario.name, atMs: step.atMs }, `scenario ${this.scenario.name}: ${step.note}`);
      for (const [point, value] of Object.entries(step.set ?? {})) this.#set(point, value);
      if (step.ramp) {
        const { point, to, durationMs } = step.ramp;
        for (const d of this.#devices) {
          this.#take(d, point);
          this.#ramps.push({ point, from: Number(d.getValue(point)), to, startMs: step.atMs, durationMs });
        }
      }
    }
    this.#advanceRamps();
    if (this.#elapsed >= this.#durationMs && this.#next >= steps.length) this.#finish('completed');
  }

  stop(): void {
    if (this.#state === 'running') this.#finish('stopped');
  }

  #advanceRamps(): void {
    for (const ramp of [...this.#ramps]) {
      const fraction = Math.min(1, (this.#elapsed - ramp.startMs) / ramp.durationMs);
      const value = ramp.from + (ramp.to - ramp.from) * fraction;
      const done = fraction >= 1;
      for (const d of this.#devices) this.#engine.apply(d, ramp.point, value, `${done ? '' : 'ramp, '}scenario ${this.scenario.name}`);
      if (done) this.#ramps.splice(this.#ramps.indexOf(ramp), 1);
    }
  }

  #set(point: string, value: number | boolean): void {
    for (const d of this.#devices) {
      this.#take(d, point);
      this.#engine.apply(d, point, value, `scenario ${this.scenario.name}`);
    }
  }

  #take(device: SimulatedDevice, point: string): void {
    this.#touched.add(`${device.id}\u0000${point}`);
    this.#engine.setMode(device.id, point, 'scenario');
  }

  #finish(state: RunState): void {
    this.#state = state;
    for (const entry of this.#touched) {
      const [device = '', point = ''] = entry.split('\u0000');
      if (this.#engine.modeOf(device, point) === 'scenario') this.#engine.setMode(device, point, 'behaviour');
    }
    for (const d of this.#devices)
      for (const point of Object.keys(this.scenario.behaviour ?? {})) this.#engine.overrideBehaviour(d.id, point, undefined);
    this.#log.info({ scenario: this.scenario.name, state }, `scenario ${this.scenario.name} ${state}`);
    this.#onEnd(this);
  }
}
