/**
 * Who wins, per property class of the twin (docs/twin.md "Policies"):
 * - measurements (gateway health, devices, points, alarm states): the edge
 *   wins; the centre cannot desire them, it only mirrors them.
 * - limits (value, hysteresis, priority, delays, enable): the centre wins,
 *   but only against the version it saw (`ifLimitsVersion` = reported
 *   `limitsVersion`), so two operators cannot silently overwrite each other.
 * - acks and shelving: merged; never version-guarded, idempotent, so
 *   concurrent operators' acks all take effect and none is lost.
 */
export const PROPERTY_CLASSES = {
  measurements: { owner: 'edge', members: ['gateway', 'devices', 'alarms', 'alarmSeq', 'analytics'] },
  limits: { owner: 'centre', members: ['limits', 'limitsVersion'], guard: 'ifLimitsVersion' },
  acks: { owner: 'merged', members: ['acks', 'shelve'] },
} as const;

export type PropertyClass = keyof typeof PROPERTY_CLASSES;

/** The class a top-level member of desired or reported belongs to. */
export function propertyClassOf(member: string): PropertyClass | undefined {
  for (const [name, spec] of Object.entries(PROPERTY_CLASSES)) {
    if ((spec.members as readonly string[]).includes(member)) return name as PropertyClass;
  }
  return undefined;
}

/** Merge policy for acks: the union, in first-seen order; a repeated ack is the same ack. */
export function mergeAcks(...lists: readonly (readonly string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((l) => l ?? []))];
}
