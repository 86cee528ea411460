import type { SimEngine } from '../engine/sim-engine.js';
import type { ActiveFault, FaultBook, FaultSpec } from '../faults/fault-book.js';
import type { ScenarioLibrary } from '../scenarios/scenario-library.js';
import type { ServedAt } from '../serving.js';
import type { SimulatedDevice } from '../simulated-device.js';

/**
 * What the control API drives: the simulator as seen from HTTP. Declared here
 * so that the API depends on the pieces it uses, and the simulator (which
 * builds the API) on the API, not both ways.
 */
export interface SimulatorControl {
  readonly devices: ReadonlyMap<string, SimulatedDevice>;
  readonly engine: Pick<SimEngine, 'modeOf'>;
  readonly scenarios: Pick<ScenarioLibrary, 'list' | 'start' | 'stop'>;
  readonly faults: Pick<FaultBook, 'list'>;
  servedAt(id: string): ServedAt | undefined;
  /** Holds a point at a value set by hand; false if a coupling holds it. */
  setManual(device: SimulatedDevice, point: string, value: number | boolean): boolean;
  /** Hands a point back to its behaviour. */
  release(device: SimulatedDevice, point: string): boolean;
  addFault(spec: FaultSpec): ActiveFault;
  removeFault(id: string): ActiveFault;
}
