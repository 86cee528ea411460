import { applyMergePatch, type Json } from './merge-patch.js';
import type { TwinPatch, TwinReported, TwinSnapshot } from './twin-document.js';

/** What a replica did with a message: a gap means it must ask the gateway for a full twin (`cmd/resync`). */
export type ReplicaOutcome = { readonly kind: 'applied' } | { readonly kind: 'stale' } | { readonly kind: 'gap'; readonly reason: string };

/**
 * The centre's copy of one gateway's reported twin, rebuilt from snapshots and
 * patches. A patch applies only on top of exactly its `base` in the same boot;
 * anything else is stale (already have it) or a gap (lost something).
 */
export class TwinReplica {
  #bootId: string | undefined;
  #version = 0;
  #ts = '';
  #reported: TwinReported | undefined;

  get bootId(): string | undefined {
    return this.#bootId;
  }

  get version(): number {
    return this.#version;
  }

  get reported(): TwinReported | undefined {
    return this.#reported;
  }

  get ts(): string {
    return this.#ts;
  }

  applySnapshot(s: TwinSnapshot): ReplicaOutcome {
    if (s.bootId === this.#bootId && s.version < this.#version) return { kind: 'stale' };
    // A retained snapshot of an older boot may arrive after the new boot's (e.g. from another uplink): keep the newer.
    if (s.bootId !== this.#bootId && this.#bootId !== undefined && Date.parse(s.ts) < Date.parse(this.#ts)) return { kind: 'stale' };
    this.#bootId = s.bootId;
    this.#version = s.version;
    this.#ts = s.ts;
    this.#reported = s.reported;
    return { kind: 'applied' };
  }

  applyPatch(p: TwinPatch): ReplicaOutcome {
    if (this.#reported === undefined) return { kind: 'gap', reason: `no twin yet, got patch ${p.base}→${p.version}` };
    if (p.bootId !== this.#bootId) {
      if (Date.parse(p.ts) < Date.parse(this.#ts)) return { kind: 'stale' };
      return { kind: 'gap', reason: `patch of boot ${p.bootId}, twin is of boot ${this.#bootId}` };
    }
    if (p.version <= this.#version) return { kind: 'stale' };
    if (p.base !== this.#version) return { kind: 'gap', reason: `have version ${this.#version}, got patch ${p.base}→${p.version}` };
    this.#reported = applyMergePatch(this.#reported as unknown as Json, p.patch as Json) as unknown as TwinReported;
    this.#version = p.version;
    this.#ts = p.ts;
    return { kind: 'applied' };
  }
}
