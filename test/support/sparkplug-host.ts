import { connectAsync, type MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

/**
 * A Sparkplug B host application for tests, built on Eclipse Tahu's JavaScript
 * codec (`sparkplug-payload`), not on the gateway's code: it decodes every
 * message the edge node sends and encodes the NCMD/DCMD it sends, publishes its
 * STATE as Sparkplug 3.0 §5.3 says (retained, QoS 1, JSON), and checks the
 * session rules a host relies on (§5.2, §6.4.21–22) as the messages arrive:
 * seq 0 on NBIRTH, +1 mod 256 on every later message, no seq on NDEATH,
 * the NDEATH's bdSeq equal to its session's NBIRTH, DATA aliases declared by a birth.
 */
const tahu = get('spBv1.0');
if (!tahu) throw new Error('no spBv1.0 codec in sparkplug-payload');
export const codec = tahu;

export interface SpMessage {
  readonly topic: string;
  readonly verb: string;
  readonly device: string | undefined;
  readonly payload: UPayload;
  readonly qos: number;
  readonly retain: boolean;
}

export const num = (v: unknown): number => (typeof v === 'number' ? v : Number((v as { toNumber(): number }).toNumber()));

export class SparkplugHost {
  readonly messages: SpMessage[] = [];
  /** Every broken rule, as a sentence; a test asserts it stays empty. */
  readonly violations: string[] = [];
  #client: MqttClient | undefined;
  #lastSeq: number | undefined;
  #birthBdSeq: number | undefined;
  readonly #aliases = new Set<number>();

  constructor(
    readonly group: string,
    readonly node: string,
    readonly hostId = 'scada',
  ) {}

  static async open(url: string, group: string, node: string, hostId?: string): Promise<SparkplugHost> {
    const host = new SparkplugHost(group, node, hostId);
    const client = await connectAsync(url, { clientId: `host-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 });
    host.#client = client;
    client.on('message', (topic, payload, packet) => host.#receive(topic, payload, packet.qos, packet.retain));
    await client.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
    return host;
  }

  /** §5.3: a retained STATE `{online, timestamp}` on spBv1.0/STATE/{host}. */
  async state(online: boolean, timestamp = Date.now()): Promise<void> {
    await this.#client?.publishAsync(`spBv1.0/STATE/${this.hostId}`, JSON.stringify({ online, timestamp }), { qos: 1, retain: true });
  }

  async ncmd(payload: UPayload | Buffer): Promise<void> {
    await this.#send(`spBv1.0/${this.group}/NCMD/${this.node}`, payload);
  }

  async dcmd(device: string, payload: UPayload | Buffer): Promise<void> {
    await this.#send(`spBv1.0/${this.group}/DCMD/${this.node}/${device}`, payload);
  }

  of(verb: string, device?: string): SpMessage[] {
    return this.messages.filter((m) => m.verb === verb && (device === undefined || m.device === device));
  }

  /** The value of a device metric in the latest message that carries it, by name or by the alias its last birth gave it. */
  latest(device: string, name: string): UMetric | undefined {
    const birth = this.of('DBIRTH', device).at(-1);
    const alias = birth?.payload.metrics?.find((m) => m.name === name)?.alias;
    for (const m of [...this.messages].reverse()) {
      if (m.device !== device || (m.verb !== 'DDATA' && m.verb !== 'DBIRTH')) continue;
      const found = m.payload.metrics?.find(
        (x) => x.name === name || (alias !== undefined && x.alias !== undefined && num(x.alias) === num(alias)),
      );
      if (found) return found;
    }
    return undefined;
  }

  async close(): Promise<void> {
    await this.#client?.endAsync(true);
  }

  async #send(topic: string, payload: UPayload | Buffer): Promise<void> {
    const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(codec.encodePayload(payload));
    // §6.4.12, §6.4.16: commands QoS 0, not retained.
    await this.#client?.publishAsync(topic, bytes, { qos: 0, retain: false });
  }

  #receive(topic: string, bytes: Buffer, qos: number, retain: boolean): void {
    const [, , verb = '', node, device] = topic.split('/');
    if (node !== this.node || verb.endsWith('CMD')) return;
    let payload: UPayload;
    try {
      payload = codec.decodePayload(new Uint8Array(bytes));
    } catch (e) {
      this.violations.push(`${topic}: Tahu cannot decode it: ${(e as Error).message}`);
      return;
    }
    this.#check(verb, payload, qos, retain);
    this.messages.push({ topic, verb, device, payload, qos, retain });
  }

  #check(verb: string, p: UPayload, qos: number, retain: boolean): void {
    if (retain) this.violations.push(`${verb} retained`);
    const seq = p.seq === undefined || p.seq === null ? undefined : num(p.seq);
    if (verb === 'NDEATH') {
      if (seq !== undefined) this.violations.push('NDEATH carries a seq');
      if (qos !== 1) this.violations.push(`NDEATH at QoS ${qos}`);
      const bdSeq = p.metrics?.find((m) => m.name === 'bdSeq');
      if (!bdSeq) this.violations.push('NDEATH without bdSeq');
      else if (this.#birthBdSeq !== undefined && num(bdSeq.value) !== this.#birthBdSeq) {
        this.violations.push(`NDEATH bdSeq ${num(bdSeq.value)} != NBIRTH bdSeq ${this.#birthBdSeq}`);
      }
      this.#lastSeq = undefined;
      return;
    }
    if (qos !== 0) this.violations.push(`${verb} at QoS ${qos}`);
    if (seq === undefined) return void this.violations.push(`${verb} without seq`);
    if (verb === 'NBIRTH') {
      if (seq !== 0) this.violations.push(`NBIRTH seq ${seq}`);
      const bdSeq = p.metrics?.find((m) => m.name === 'bdSeq');
      if (!bdSeq) this.violations.push('NBIRTH without bdSeq');
      else this.#birthBdSeq = num(bdSeq.value);
      if (!p.metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === false))
        this.violations.push('NBIRTH without Node Control/Rebirth');
    } else if (this.#lastSeq === undefined) {
      this.violations.push(`${verb} before any NBIRTH of the session`);
    } else if (seq !== (this.#lastSeq + 1) % 256) {
      this.violations.push(`${verb} seq ${seq} after ${this.#lastSeq}`);
    }
    this.#lastSeq = seq;
    if (verb.endsWith('BIRTH')) for (const m of p.metrics ?? []) if (m.alias !== undefined) this.#aliases.add(num(m.alias));
    if (verb.endsWith('DATA')) {
      for (const m of p.metrics ?? []) {
        if (m.alias === undefined || !this.#aliases.has(num(m.alias)))
          this.violations.push(`${verb} metric ${m.name ?? '?'} without a born alias`);
      }
    }
  }
}
