import { EventEmitter, once } from 'node:events';
import type { Profile } from '@lifeline/core';
import type { Logger } from 'pino';
import type { SimEngine } from '../engine/sim-engine.js';
import { simError } from '../errors.js';
import type { SimulatedDevice } from '../simulated-device.js';
import { BUILT_IN_SCENARIOS_DIR, listScenarioFiles, loadScenarioFile } from './load-scenario.js';
import { type RunStatus, ScenarioRun } from './scenario-run.js';

export interface StartOptions {
  /** Scenario milliseconds per real millisecond; default 1 (real time). */
  readonly timeScale?: number;
  /** Run on this device only; default every device with the scenario's profile. */
  readonly device?: string;
}

export interface ScenarioInfo {
  readonly name: string;
  readonly file: string;
  readonly last?: RunStatus;
}

/** The scenario files a simulator knows, and their runs (one at a time per name). */
export class ScenarioLibrary {
  readonly #devices: ReadonlyMap<string, SimulatedDevice>;
  readonly #engine: SimEngine;
  readonly #log: Logger;
  readonly #dirs: readonly string[];
  readonly #runs = new Map<string, ScenarioRun>();
  readonly #ended = new EventEmitter();

  constructor(devices: ReadonlyMap<string, SimulatedDevice>, engine: SimEngine, log: Logger, extraDirs: readonly string[]) {
    this.#devices = devices;
    this.#engine = engine;
    this.#log = log;
    this.#dirs = [...extraDirs, BUILT_IN_SCENARIOS_DIR];
  }

  async files(): Promise<Map<string, string>> {
    const all = new Map<string, string>();
    for (const dir of [...this.#dirs].reverse()) for (const [name, file] of await listScenarioFiles(dir)) all.set(name, file);
    return all;
  }

  async list(): Promise<ScenarioInfo[]> {
    return [...(await this.files())].map(([name, file]) => {
      const run = this.#runs.get(name);
      return run ? { name, file, last: run.status() } : { name, file };
    });
  }

  async start(name: string, options: StartOptions = {}): Promise<RunStatus> {
    const file = (await this.files()).get(name);
    if (!file) throw simError('LL_ERR_SIM_UNKNOWN_SCENARIO', name);
    const profiles = new Map<string, Profile>([...this.#devices.values()].map((d) => [d.config.profile.id, d.config.profile]));
    const scenario = await loadScenarioFile(file, (id) => profiles.get(id));
    let targets = [...this.#devices.values()].filter((d) => d.config.profile.id === scenario.profile);
    if (options.device !== undefined) {
      const device = this.#devices.get(options.device);
      if (!device) throw simError('LL_ERR_SIM_UNKNOWN_DEVICE', options.device);
      targets = targets.filter((d) => d.id === options.device);
    }
    if (targets.length === 0) throw simError('LL_ERR_SIM_SCENARIO_TARGET', name, scenario.profile);
    this.#runs.get(name)?.stop();
    const run = new ScenarioRun(scenario, targets, this.#engine, this.#log, {
      timeScale: options.timeScale ?? 1,
      onEnd: (r) => {
        this.#engine.removeTicker(r);
        this.#ended.emit(name, r.status());
      },
    });
    this.#runs.set(name, run);
    this.#engine.addTicker(run);
    run.tick(Date.now());
    return run.status();
  }

  stop(name: string): RunStatus {
    const run = this.#runs.get(name);
    if (!run) throw simError('LL_ERR_SIM_UNKNOWN_SCENARIO', name);
    run.stop();
    return run.status();
  }

  status(name: string): RunStatus | undefined {
    return this.#runs.get(name)?.status();
  }

  /** Resolves with the final status when the named run ends (at once if it already has). */
  async finished(name: string): Promise<RunStatus> {
    const run = this.#runs.get(name);
    if (!run) throw simError('LL_ERR_SIM_UNKNOWN_SCENARIO', name);
    if (run.state !== 'running') return run.status();
    const [status] = (await once(this.#ended, name)) as [RunStatus];
    return status;
  }

  stopAll(): void {
    for (const run of this.#runs.values()) run.stop();
  }
}
