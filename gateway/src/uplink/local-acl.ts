import { timingSafeEqual } from 'node:crypto';
import type { LocalUser } from '@lifeline/core';
import { topicMatches } from './topic-filter.js';

/**
 * Decisions for the local broker (aedes auth hooks), pure and safe by default:
 * no users configured means an open site-local broker (the demo); with users,
 * every client logs in and may publish and subscribe only within its filters.
 */
export class LocalAcl {
  readonly #users: ReadonlyMap<string, LocalUser>;

  constructor(users: readonly LocalUser[]) {
    this.#users = new Map(users.map((u) => [u.username, u]));
  }

  get open(): boolean {
    return this.#users.size === 0;
  }

  authenticate(username: string | undefined, password: Buffer | undefined): boolean {
    if (this.open) return true;
    const user = username === undefined ? undefined : this.#users.get(username);
    if (!user || !password) return false;
    const expected = Buffer.from(user.password);
    return expected.length === password.length && timingSafeEqual(expected, password);
  }

  mayPublish(username: string | undefined, topic: string): boolean {
    if (this.open) return true;
    const user = username === undefined ? undefined : this.#users.get(username);
    return user?.publish.some((f) => topicMatches(f, topic)) ?? false;
  }

  maySubscribe(username: string | undefined, filter: string): boolean {
    if (this.open) return true;
    const user = username === undefined ? undefined : this.#users.get(username);
    return user?.subscribe.some((allowed) => filterCovers(allowed, filter)) ?? false;
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
