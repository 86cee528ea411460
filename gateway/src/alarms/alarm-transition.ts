import type { AlarmEvent } from '@lifeline/twin';

/** An alarm event as the engine decides it; the publisher adds seq, bootId, site and publishedAt. */
export type AlarmTransition = Omit<AlarmEvent, 'publishedAt' | 'seq' | 'bootId' | 'site' | 'gateway'>;
