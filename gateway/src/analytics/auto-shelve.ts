import type { Priority } from '@lifeline/twin';

/** A chattering alarm the analytics saw start (AlarmAnalyticsOptions.onChatter). */
export interface ChatterStart {
  readonly alarmId: string;
  readonly priority: Priority;
  readonly raises: number;
}

export interface AutoShelve {
  readonly alarmId: string;
  readonly durationMs: number;
  readonly comment: string;
}

/**
 * The opt-in auto-shelve of a chattering alarm (`alarms.autoShelve`, EEMUA
 * 191 §6.5: a chattering alarm is shelved until it is repaired, not left to
 * bury the others). A decision, not an action: the gateway shelves through
 * the engine, so the shelve is published and journalled like an operator's,
 * with user `system`, and expires by itself. Never priority 1 (red): the
 * alarms that demand immediate action are never hidden automatically.
 */
export function autoShelveDecision(chatter: ChatterStart, config: { readonly chatteringMs: number } | undefined): AutoShelve | undefined {
  if (!config || chatter.priority === 1) return undefined;
  return {
    alarmId: chatter.alarmId,
    durationMs: config.chatteringMs,
    comment: `auto-shelved for ${Math.round(config.chatteringMs / 60_000)} min: chattering (${chatter.raises} raises within the window)`,
  };
}
