import type { AlarmEvent } from '../../alarm-event.js';
import type { TwinPatch, TwinSnapshot } from '../../twin-document.js';
import type { ReplicaOutcome } from '../../twin-replica.js';
import type { CentreStore, StoreWrite } from './centre-store.js';

async function one(store: Pick<CentreStore, 'write'>, w: StoreWrite) {
  const [outcome] = await store.write([w]);
  if (!outcome) throw new Error('a store returned no outcome for a write');
  return outcome;
}

/** The one-message writes of CentreStore, as a batch of one: both stores share these, so they cannot drift from `write`. */
export const writeOne = {
  snapshot: async (store: Pick<CentreStore, 'write'>, snapshot: TwinSnapshot) =>
    (await one(store, { kind: 'snapshot', snapshot })) as ReplicaOutcome,
  patch: async (store: Pick<CentreStore, 'write'>, patch: TwinPatch) => (await one(store, { kind: 'patch', patch })) as ReplicaOutcome,
  alarm: async (store: Pick<CentreStore, 'write'>, event: AlarmEvent, receivedAt: string) =>
    (await one(store, { kind: 'alarm', event, receivedAt })).kind === 'journalled',
};
