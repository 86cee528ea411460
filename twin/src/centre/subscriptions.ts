import { TOPIC_ROOT } from '../topics.js';

/** What the mirror stores: everything a gateway publishes for the centre except telemetry and answers. */
export const DATA_SUFFIXES = ['status', 'twin', 'twin/patch', 'alarms'] as const;

/** Answers to requests: every instance sees them all (unshared), since only the sender waits for one. */
export const RESULT_FILTERS = ['twin/desired/result', 'cmd/+/result'].map((s) => `${TOPIC_ROOT}/+/+/${s}`);

/** `$share/<group>/…` spreads the fleet's messages over the group (MQTT 5 §4.8.2); no group, plain filters. */
export function dataFilters(shareGroup: string | undefined): string[] {
  const prefix = shareGroup === undefined ? '' : `$share/${shareGroup}/`;
  return DATA_SUFFIXES.map((s) => `${prefix}${TOPIC_ROOT}/+/+/${s}`);
}

/** Every filter of a plain single-instance mirror (kept for callers of the old name). */
export const MIRROR_FILTERS = [...dataFilters(undefined), ...RESULT_FILTERS];
