/**
 * The edge node session as a pure state machine (STYLE habit 6): the owner
 * (SparkplugNode) feeds link and host events in and performs the effects.
 * Sparkplug 3.0 §5.2 (edge node session establishment), §5.3 (primary host
 * awareness):
 * - with a primary host configured, births wait for its STATE online=true
 *   [tck-id-operational-behavior-edge-node-birth-sequence-wait];
 * - an online=false STATE ends the session: NDEATH, disconnect, connect again
 *   [tck-id-operational-behavior-edge-node-termination-host-offline];
 * - the host coming back online, or an NCMD Rebirth, gets fresh births;
 * - a STATE that arrives on a new connection before it reports `connected`
 *   (a retained STATE can overtake the SUBACK's handling) is kept for it.
 */
export type SessionState =
  | { readonly kind: 'disconnected'; readonly hostOnline?: boolean }
  | { readonly kind: 'awaiting-host' }
  | { readonly kind: 'born' }
  | { readonly kind: 'terminating' };

export type SessionInput =
  | { readonly kind: 'connected' }
  | { readonly kind: 'disconnected' }
  | { readonly kind: 'host'; readonly online: boolean }
  | { readonly kind: 'rebirth' };

/** `birth`: publish NBIRTH and every DBIRTH; `terminate`: publish NDEATH, then disconnect and reconnect. */
export type SessionEffect = 'birth' | 'terminate' | 'none';

export interface SessionStep {
  readonly state: SessionState;
  readonly effect: SessionEffect;
}

export const DISCONNECTED: SessionState = { kind: 'disconnected' };

export function stepSession(state: SessionState, input: SessionInput, hostConfigured: boolean): SessionStep {
  const to = (kind: SessionState['kind'], effect: SessionEffect = 'none'): SessionStep => ({ state: { kind }, effect });
  if (input.kind === 'disconnected') return to('disconnected');
  switch (state.kind) {
    case 'disconnected':
      if (input.kind === 'host') return { state: { kind: 'disconnected', hostOnline: input.online }, effect: 'none' };
      if (input.kind !== 'connected') return { state, effect: 'none' };
      return hostConfigured && state.hostOnline !== true ? to('awaiting-host') : to('born', 'birth');
    case 'awaiting-host':
      if (input.kind === 'host' && input.online) return to('born', 'birth');
      return to('awaiting-host');
    case 'born':
      if (input.kind === 'rebirth') return to('born', 'birth');
      if (input.kind === 'host') return input.online ? to('born', 'birth') : to('terminating', 'terminate');
      return to('born');
    case 'terminating':
      return to('terminating');
  }
}
