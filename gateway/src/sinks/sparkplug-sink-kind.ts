import type { SparkplugLink } from '@lifeline/core';
import { SPARKPLUG_LANES, SparkplugNode } from '../sparkplug/sparkplug-node.js';
import type { SinkKind, SinkSpec } from './sink-kind.js';

/** `mqtt.sparkplug`: the gateway as a Sparkplug B 3.0 edge node (docs/sparkplug.md). */
export const sparkplugSinkKind: SinkKind<SinkSpec & { readonly link: SparkplugLink }> = {
  kind: 'sparkplug',
  lanes: SPARKPLUG_LANES,
  specs: (config) => (config.mqtt.sparkplug ? [{ name: 'sparkplug', link: config.mqtt.sparkplug }] : []),
  create: ({ name, link }, context) => {
    if (!context.gateway) throw new Error('the Sparkplug sink needs the running gateway (SinkContext.gateway)');
    return new SparkplugNode({
      name,
      link,
      devices: context.config.devices,
      stateDir: context.config.stateDir,
      bootId: context.bootId,
      version: context.version,
      clock: context.clock,
      log: context.log,
      gateway: context.gateway,
    });
  },
};
