import type { InfluxConfig } from '@lifeline/core';
import { INFLUX_LANES, InfluxSink, type LineWriter } from './influx-sink.js';
import { InfluxV1Writer } from './influx-v1-writer.js';
import { InfluxV2Writer } from './influx-v2-writer.js';
import type { SinkContext, SinkKind } from './sink-kind.js';

type V1 = Extract<InfluxConfig, { version: 1 }>;
type V2 = Extract<InfluxConfig, { version: 2 }>;

function influxSink(config: InfluxConfig, writer: LineWriter, context: SinkContext): InfluxSink {
  const identity = { site: context.config.site, gateway: context.config.gateway };
  return new InfluxSink(config.name, writer, identity, context.clock, context.log);
}

/** `delivery.influx[]` with `version: 1`: the 1.x `/write` API (DESIGN.md §6). */
export const influxV1SinkKind: SinkKind<V1> = {
  kind: 'influx-v1',
  lanes: INFLUX_LANES,
  specs: (config) => config.delivery.influx.filter((i): i is V1 => i.version === 1),
  create: (influx, context) => influxSink(influx, new InfluxV1Writer({ sink: influx.name, ...influx }), context),
};

/** `delivery.influx[]` with `version: 2`: the v2 write API (InfluxDB 2.x/3.x, 1.8+) through @influxdata/influxdb-client. */
export const influxV2SinkKind: SinkKind<V2> = {
  kind: 'influx-v2',
  lanes: INFLUX_LANES,
  specs: (config) => config.delivery.influx.filter((i): i is V2 => i.version === 2),
  create: (influx, context) => influxSink(influx, new InfluxV2Writer({ sink: influx.name, ...influx }), context),
};
