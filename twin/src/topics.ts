/** Topic contract: DESIGN.md §4, `lifeline/v1/{site}/{gateway}/…`. */
export const TOPIC_ROOT = 'lifeline/v1';

/** Site and gateway ids become topic levels, so they must not carry MQTT wildcards or separators. */
export const TOPIC_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

export interface GatewayTopics {
  readonly prefix: string;
  readonly status: string;
  readonly alarms: string;
  readonly twin: string;
  readonly twinPatch: string;
  readonly twinDesired: string;
  readonly twinDesiredResult: string;
  readonly telemetry: string;
  command(name: string): string;
  commandResult(name: string): string;
}

export function gatewayTopics(site: string, gateway: string): GatewayTopics {
  for (const [what, id] of [
    ['site', site],
    ['gateway', gateway],
  ] as const) {
    if (!new RegExp(TOPIC_ID_PATTERN).test(id)) {
      throw new TypeError(`${what} id "${id}" cannot be a topic level: use lower-case letters, digits, - and _`);
    }
  }
  const prefix = `${TOPIC_ROOT}/${site}/${gateway}`;
  return {
    prefix,
    status: `${prefix}/status`,
    alarms: `${prefix}/alarms`,
    twin: `${prefix}/twin`,
    twinPatch: `${prefix}/twin/patch`,
    twinDesired: `${prefix}/twin/desired`,
    twinDesiredResult: `${prefix}/twin/desired/result`,
    telemetry: `${prefix}/telemetry`,
    command: (name) => `${prefix}/cmd/${name}`,
    commandResult: (name) => `${prefix}/cmd/${name}/result`,
  };
}

/** MQTT topic filter matching (MQTT 3.1.1 §4.7: `+` one level, `#` the rest, including the parent level). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** `lifeline/v1/{site}/{gateway}/{suffix}` → its parts, or undefined for anything else. */
export function parseGatewayTopic(topic: string): { site: string; gateway: string; suffix: string } | undefined {
  const parts = topic.split('/');
  if (parts.length < 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  return { site: parts[2] as string, gateway: parts[3] as string, suffix: parts.slice(4).join('/') };
}
