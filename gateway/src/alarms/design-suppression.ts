import type { SuppressionRule } from '@lifeline/core';

/** What design suppression needs of the engine (AlarmEngine implements it). */
export interface SuppressionHost {
  conditionActive(alarmId: string): boolean;
  suppressByDesign(alarmId: string, reason: string): unknown;
  unsuppressByDesign(alarmId: string, reason: string): unknown;
}

const deviceOf = (alarmId: string) => alarmId.slice(0, alarmId.indexOf('/'));

/**
 * Suppression by design (ISA-18.2 §11.4.2, EEMUA 191; `alarms.suppression`
 * in the site config): while a trigger alarm's condition is active — a gas
 * controller's fault, a pump's trip — the alarms it makes meaningless are
 * suppressed, so the operator sees the cause, not its consequences. Each
 * suppress and unsuppress is a published, journalled lifecycle event with the
 * reason. It holds no state of its own: whether a target stays suppressed is
 * asked of the engine's conditions each time, so a restart resumes it.
 */
export class DesignSuppression {
  readonly #byTrigger = new Map<string, string[]>();
  readonly #triggersOf = new Map<string, string[]>();
  readonly #host: SuppressionHost;

  constructor(rules: readonly SuppressionRule[], host: SuppressionHost) {
    this.#host = host;
    for (const r of rules) {
      this.#byTrigger.set(r.when, [...(this.#byTrigger.get(r.when) ?? []), ...r.suppress]);
      for (const t of r.suppress) this.#triggersOf.set(t, [...(this.#triggersOf.get(t) ?? []), r.when]);
    }
  }

  /** Whether `alarmId` is held suppressed by an active trigger (the engine keeps it hidden when comm returns). */
  holds(alarmId: string): boolean {
    return (this.#triggersOf.get(alarmId) ?? []).some((t) => this.#host.conditionActive(t));
  }

  /** A condition changed (the engine's `condition` event): a trigger suppresses or releases its targets. */
  onCondition(alarmId: string, active: boolean): void {
    const targets = this.#byTrigger.get(alarmId);
    if (!targets) return;
    for (const target of targets) this.#settle(target, active ? alarmId : undefined);
  }

  /** After a restart: every target suppressed exactly while one of its triggers is active. */
  resume(): void {
    for (const target of this.#triggersOf.keys()) this.#settle(target, undefined);
  }

  #settle(target: string, raisedBy: string | undefined): void {
    const holder = raisedBy ?? (this.#triggersOf.get(target) ?? []).find((t) => this.#host.conditionActive(t));
    if (holder !== undefined) {
      this.#host.suppressByDesign(target, `suppressed by design while ${holder} is active`);
      return;
    }
    // A device offline keeps its alarms suppressed by its comm alarm (AlarmEngine.deviceComm).
    if (this.#host.conditionActive(`${deviceOf(target)}/comm/comm`)) return;
    this.#host.unsuppressByDesign(target, 'design suppression released: its trigger cleared');
  }
}
