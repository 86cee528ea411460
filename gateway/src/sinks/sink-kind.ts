import type { Clock, SiteConfig } from '@lifeline/core';
import type { Logger } from 'pino';
import type { SparkplugGatewayPort } from '../sparkplug/sparkplug-node.js';
import type { Sink } from '../store/outbox-sink.js';
import type { Lane } from '../store/outbox-store.js';

/** One sink the site config asks for; `name` is its identity in the outbox (its cursors). */
export interface SinkSpec {
  readonly name: string;
}

/** What a factory may use when the gateway starts its sinks. */
export interface SinkContext {
  readonly config: SiteConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly bootId: string;
  /** The gateway's software version, for the MQTT `status`. */
  readonly version: string;
  /** The embedded broker once it listens; undefined when `mqtt.local` is disabled. */
  readonly localBroker?: {
    readonly port: number;
    readonly credentials?: { readonly username: string; readonly password: string };
    /** The broker speaks MQTTS only (mqtt.local.tls). */
    readonly tls?: boolean;
  };
  /** The running gateway as a mirroring sink (the Sparkplug edge node's births and commands) sees it; absent in tests that bring none. */
  readonly gateway?: SparkplugGatewayPort;
}

/**
 * A kind of sink (centre MQTT, local broker, InfluxDB v1, …), as the registry
 * holds it (DESIGN.md §2: northbounds plug in through a registry). The lanes
 * are declared here, once: the outbox store keeps records for them from the
 * moment it opens, before any sink exists, and each sink created reports them.
 */
export interface SinkKind<S extends SinkSpec = SinkSpec> {
  /** Unique in the registry, e.g. `influx-v1`. */
  readonly kind: string;
  /** A subset of LANES; the sink is drained in LANES order. */
  readonly lanes: readonly Lane[];
  /** The sinks of this kind that `config` asks for (none, one, or several). */
  specs(config: SiteConfig): readonly S[];
  /** Builds one at start; it must report `name` and this kind's `lanes`. */
  create(spec: S, context: SinkContext): Sink;
}
