import { timingSafeEqual } from 'node:crypto';
import type { LocalUser } from '@lifeline/core';
import type { GatewayTopics } from '@lifeline/twin';
import { topicMatches } from './topic-filter.js';

/** Why a publish is refused, for the log and the audit: each is a distinct rule of docs/security.md. */
export type PublishRefusal = 'acl' | 'gateway-topic' | 'anonymous-command' | 'forged-user';

export interface LocalAclOptions {
  /** The gateway's own login: the only one that may publish its status, twin, alarms, telemetry and answers. */
  readonly gateway: LocalUser;
  /** Its topics, to know which ones are its own and which are commands to it. */
  readonly topics: GatewayTopics;
}

/**
 * Decisions for the local broker (aedes auth hooks), pure and safe by default.
 * No users configured: anyone may connect, read and publish (a site-local
 * broker on loopback, the demo), but never under the gateway's own topics and
 * never a command. With users: every client logs in and stays within its
 * filters. Either way a command or desired change is accepted from a logged-in
 * user only, and only when its `by.user` is that user: the identity comes from
 * the connection, never from the payload (docs/security.md).
 */
export class LocalAcl {
  readonly #users: ReadonlyMap<string, LocalUser>;
  readonly #anonymous: boolean;
  readonly #gateway: string;
  readonly #owned: readonly string[];
  readonly #commands: readonly string[];

  constructor(users: readonly LocalUser[], options: LocalAclOptions) {
    this.#anonymous = users.length === 0;
    this.#users = new Map([...users, options.gateway].map((u) => [u.username, u]));
    this.#gateway = options.gateway.username;
    const t = options.topics;
    this.#owned = [
      t.status,
      t.twin,
      t.twinPatch,
      t.twinDesiredResult,
      t.commandResult('+'),
      t.alarms,
      `${t.alarms}/#`,
      t.telemetry,
      `${t.telemetry}/#`,
    ];
    this.#commands = [t.twinDesired, t.command('+')];
  }

  /** Whether clients without a login are let in (no users configured). */
  get open(): boolean {
    return this.#anonymous;
  }

  /**
   * The principal a login proves: a configured user, `null` for an anonymous
   * client of an open broker (an unknown username there proves nobody), or
   * `false`: refused.
   */
  authenticate(username: string | undefined, password: Buffer | undefined): string | null | false {
    const user = username === undefined ? undefined : this.#users.get(username);
    if (!user) return this.#anonymous ? null : false;
    if (!password) return false;
    const expected = Buffer.from(user.password);
    return expected.length === password.length && timingSafeEqual(expected, password) ? user.username : false;
  }

  /** Undefined when `username` (undefined: anonymous) may publish `payload` on `topic`, else why not. */
  publishRefusal(username: string | undefined, topic: string, payload: Buffer): PublishRefusal | undefined {
    if (username === this.#gateway) return undefined;
    if (this.#owned.some((f) => topicMatches(f, topic))) return 'gateway-topic';
    if (!this.#mayPublish(username, topic)) return 'acl';
    if (!this.#commands.some((f) => topicMatches(f, topic))) return undefined;
    if (username === undefined) return 'anonymous-command';
    const named = namedUser(payload);
    return named === undefined || named === username ? undefined : 'forged-user';
  }

  maySubscribe(username: string | undefined, filter: string): boolean {
    if (username === undefined) return this.#anonymous;
    const user = this.#users.get(username);
    return user?.subscribe.some((allowed) => filterCovers(allowed, filter)) ?? false;
  }

  #mayPublish(username: string | undefined, topic: string): boolean {
    if (username === undefined) return this.#anonymous;
    const user = this.#users.get(username);
    return user?.publish.some((f) => topicMatches(f, topic)) ?? false;
  }
}

/**
 * The `by.user` a request names, if it can be read. A payload that is not a
 * JSON object with one names nobody: the gateway refuses it as malformed.
 */
function namedUser(payload: Buffer): string | undefined {
  try {
    const data = JSON.parse(payload.toString()) as { by?: { user?: unknown } } | null;
    const user = data?.by?.user;
    return user === undefined ? undefined : String(user);
  } catch {
    return undefined;
  }
}

/** Whether every topic `requested` can match is also matched by `allowed`. */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] === '#') return true;
    if (i >= r.length) return false;
    if (r[i] === '#') return false;
    if (a[i] === '+') continue;
    if (r[i] === '+' || a[i] !== r[i]) return false;
  }
  return a.length === r.length;
}
