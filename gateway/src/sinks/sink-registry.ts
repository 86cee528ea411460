import type { SiteConfig } from '@lifeline/core';
import type { SinkLanes } from '../store/outbox-store.js';
import { influxV1SinkKind, influxV2SinkKind } from './influx-sink-kinds.js';
import { centreSinkKind, localSinkKind } from './mqtt-sink-kinds.js';
import type { SinkKind, SinkSpec } from './sink-kind.js';
import { sparkplugSinkKind } from './sparkplug-sink-kind.js';

/** Every sink kind the gateway ships; adding one is its own file and one line here. */
export const BUILTIN_SINK_KINDS: readonly SinkKind[] = [
  localSinkKind,
  centreSinkKind,
  influxV1SinkKind,
  influxV2SinkKind,
  sparkplugSinkKind,
];

/** One sink to build at start: its kind, its settings, and the lanes the store keeps for it. */
export interface PlannedSink {
  readonly kind: SinkKind;
  readonly spec: SinkSpec;
  readonly name: string;
  readonly lanes: SinkKind['lanes'];
}

/**
 * Sink kinds by name, and the plan of sinks a site config asks for. Tests
 * register kinds of their own (`register`), so a new sink plugs in through
 * the registry alone; a registry is read-only once it has planned a site
 * (registration and running are separate phases).
 */
export class SinkRegistry {
  readonly #kinds = new Map<string, SinkKind>();
  #planned = false;

  constructor(kinds: readonly SinkKind[] = BUILTIN_SINK_KINDS) {
    for (const k of kinds) this.register(k);
  }

  register<S extends SinkSpec>(kind: SinkKind<S>): this {
    if (this.#planned) throw new Error(`sink kind "${kind.kind}" registered after the registry planned a site`);
    if (this.#kinds.has(kind.kind)) throw new Error(`sink kind "${kind.kind}" registered twice`);
    this.#kinds.set(kind.kind, kind as SinkKind);
    return this;
  }

  get kinds(): readonly string[] {
    return [...this.#kinds.keys()];
  }

  /** Every sink `config` asks for, each once, in registry order; two sinks may not share a name (they would share cursors). */
  plan(config: SiteConfig): PlannedSink[] {
    this.#planned = true;
    const planned: PlannedSink[] = [];
    for (const kind of this.#kinds.values()) {
      for (const spec of kind.specs(config)) {
        const taken = planned.find((p) => p.name === spec.name);
        if (taken) throw new Error(`sink name "${spec.name}" is used by ${taken.kind.kind} and ${kind.kind}: rename one`);
        planned.push({ kind, spec, name: spec.name, lanes: kind.lanes });
      }
    }
    return planned;
  }
}

/** What the outbox store keeps, per sink: derived from the plan, never written out by hand. */
export function sinkLanesOf(plan: readonly PlannedSink[]): SinkLanes {
  return Object.fromEntries(plan.map((p) => [p.name, p.lanes]));
}
