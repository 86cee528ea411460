/** Sparkplug 3.0 §4.1: `spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]`. */
export const NAMESPACE = 'spBv1.0';

export type NodeVerb = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceVerb = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

/** A command topic this edge node subscribes to, as parsed. */
export type CommandTarget = { readonly verb: 'NCMD' } | { readonly verb: 'DCMD'; readonly device: string };

export class SparkplugTopics {
  readonly #base: string;
  readonly #group: string;
  readonly #node: string;

  constructor(groupId: string, edgeNodeId: string) {
    this.#group = groupId;
    this.#node = edgeNodeId;
    this.#base = `${NAMESPACE}/${groupId}`;
  }

  node(verb: NodeVerb): string {
    return `${this.#base}/${verb}/${this.#node}`;
  }

  device(verb: DeviceVerb, device: string): string {
    return `${this.#base}/${verb}/${this.#node}/${device}`;
  }

  /** §4.1.3: the host's STATE topic in 3.0 (no group; 2.2's bare `STATE/{id}` is not supported). */
  static state(hostId: string): string {
    return `${NAMESPACE}/STATE/${hostId}`;
  }

  /** DCMD to any device of this node (§5.1: the edge node subscribes to NCMD and DCMD before its NBIRTH). */
  get dcmdFilter(): string {
    return `${this.#base}/DCMD/${this.#node}/+`;
  }

  /** NCMD or DCMD addressed to this node; undefined for anything else. */
  parseCommand(topic: string): CommandTarget | undefined {
    const parts = topic.split('/');
    if (parts[0] !== NAMESPACE || parts[1] !== this.#group || parts[3] !== this.#node) return undefined;
    if (parts[2] === 'NCMD' && parts.length === 4) return { verb: 'NCMD' };
    if (parts[2] === 'DCMD' && parts.length === 5) return { verb: 'DCMD', device: parts[4] as string };
    return undefined;
  }
}
