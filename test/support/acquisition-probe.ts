import { pino } from 'pino';
import type { SiteConfig } from '../../core/src/index.js';
import type { Reading } from '../../core/src/reading.js';
import { AcquisitionManager } from '../../gateway/src/acquisition/acquisition-manager.js';
import type { CommState } from '../../gateway/src/acquisition/comm-state.js';

/** An AcquisitionManager on a site with everything it emits recorded, for assertions. */
export class AcquisitionProbe {
  readonly manager: AcquisitionManager;
  readonly readings: Reading[] = [];
  /** One entry per emitted batch: when it arrived and what it held. */
  readonly batches: { at: number; readings: readonly Reading[] }[] = [];
  readonly comm: { device: string; state: CommState; reason: string | undefined }[] = [];

  constructor(config: SiteConfig) {
    this.manager = new AcquisitionManager(config.devices, {
      log: pino({ level: process.env.LIFELINE_TEST_LOG ?? 'silent' }),
      stateDir: config.stateDir,
    });
    this.manager.on('readings', (r) => {
      this.readings.push(...r);
      this.batches.push({ at: performance.now(), readings: r });
    });
    this.manager.on('comm', (device, state, reason) => this.comm.push({ device, state, reason }));
  }

  latest(device: string, point: string): Reading | undefined {
    for (let i = this.readings.length - 1; i >= 0; i--) {
      const r = this.readings[i] as Reading;
      if (r.device === device && r.point === point) return r;
    }
    return undefined;
  }

  async until(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  health(device: string) {
    const h = this.manager.deviceHealth().find((d) => d.device === device);
    if (!h) throw new Error(`no health for ${device}`);
    return h;
  }
}
