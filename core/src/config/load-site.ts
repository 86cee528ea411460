import { dirname, resolve } from 'node:path';
import { isLifelineError } from '../errors/index.js';
import { buildCentre } from './build-centre.js';
import { ConfigError, type ConfigIssue } from './config-issue.js';
import { DEFAULTS } from './defaults.js';
import { internIn } from './intern.js';
import { BUILT_IN_PROFILES_DIR, findProfile, readYaml } from './load-profile.js';
import { pointDataType } from './point-data-type.js';
import { checkLimitOrder } from './profile-rules.js';
import { LIMIT_CONDITIONS, type Limit, type LimitCondition, type Names, type Profile } from './profile-schema.js';
import { modbusAddressKey, resolveTransport } from './resolve-transport.js';
import { resolveAcquisition } from './schema-acquisition.js';
import { resolveAlarmKeys } from './schema-alarms.js';
import { checkHttpTokens, resolveHttp } from './schema-http.js';
import { buildSparkplug } from './schema-sparkplug.js';
import { resolveListenerTls, tlsProblem } from './schema-tls.js';
import { resolveTwinConfig } from './schema-twin.js';
import { buildDelivery, buildLocalUsers } from './schema-uplinks.js';
import { resolveSecrets } from './secrets.js';
import { type DeviceConfig, deepFreeze, type LimitConfig, type PointConfig, type SiteConfig } from './site-config.js';
import { type SiteConfigInput, type SiteDeviceInput, SiteSchema } from './site-schema.js';
import { validateAgainst } from './validate.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Loads a site config: parse, validate against the schema, load each device's
 * profile, apply the site's overrides, check cross-references, then freeze.
 * Every issue in the file (and in the profiles it uses) is reported together.
 * `${env:NAME}` and `${file:PATH}` references are resolved first (secrets.ts).
 */
export async function loadSiteConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<SiteConfig> {
  const path = resolve(file);
  const source = await readYaml(path);
  if (source.syntaxIssues.length > 0) throw new ConfigError(path, source.syntaxIssues);
  // Secret references and the schema in one pass: `validate` promises every error at once (issue 18).
  const secretIssues = resolveSecrets(source, env, dirname(path));
  const schemaIssues = validateAgainst(SiteSchema, source);
  const input = source.data as SiteConfigInput;
  if (secretIssues.length + schemaIssues.length > 0) {
    const early = [...secretIssues, ...schemaIssues];
    // The devices the schema accepts are still checked (profiles, limit order, overrides), so one run reports it all.
    throw new ConfigError(path, [...early, ...(await checkWellFormedDevices(path, input, early, source))]);
  }

  const issues: ConfigIssue[] = [];
  const devices = await resolveDevices(path, input, [...input.devices.entries()], source, issues);
  issues.push(...checkUniqueDevices(input.devices, devices, source));
  const alarmKeys = resolveAlarmKeys(input, devices, source, issues);
  const delivery = buildDelivery(input, source, issues);
  const users = buildLocalUsers(input.mqtt?.local, source, issues);
  const centre = buildCentre(path, input, source, issues);
  const sparkplug = buildSparkplug(
    input.mqtt?.sparkplug,
    { file: path, site: input.site, gateway: input.gateway, telemetryEnabled: delivery.telemetry.enabled, devices },
    source,
    issues,
  );
  issues.push(...checkHttpTokens(input.http, source));
  for (const [at, tls] of [
    [['http', 'tls'], input.http?.tls],
    [['mqtt', 'local', 'tls'], input.mqtt?.local?.tls],
  ] as const) {
    const problem = tlsProblem(tls);
    if (problem) issues.push(source.issueAt([...at], problem, 'see docs/security.md "TLS"'));
  }
  if (issues.length > 0) throw new ConfigError(path, issues);
  const site = buildSite(path, input, devices);
  return deepFreeze({
    ...site,
    ...alarmKeys,
    delivery,
    mqtt: {
      local: { ...site.mqtt.local, ...(users.length > 0 ? { users } : {}) },
      ...(centre ? { centre } : {}),
      ...(sparkplug ? { sparkplug } : {}),
    },
  });
}

/** Loads each device's profile (once per profile) and resolves the device; issues go to `issues`. */
async function resolveDevices(
  path: string,
  input: SiteConfigInput,
  entries: readonly (readonly [number, SiteDeviceInput])[],
  source: YamlSource,
  issues: ConfigIssue[],
): Promise<DeviceConfig[]> {
  const dirs = [...(input.profilesDir ? [resolve(dirname(path), input.profilesDir)] : []), BUILT_IN_PROFILES_DIR];
  const profiles = new Map<string, Promise<Profile>>();
  const devices: DeviceConfig[] = [];
  for (const [index, device] of entries) {
    const profile = await loadProfileFor(device, index, { dirs, loaded: profiles }, source, issues);
    const resolved = profile ? resolveDevice(device, index, profile, source, issues) : undefined;
    if (resolved) devices.push(resolved);
  }
  return devices;
}

/**
 * With schema errors elsewhere in the file, the devices whose own subtree is
 * well-formed are resolved anyway (issue 18: `validate` promises every error
 * at once). Site-wide cross-references wait for a file the schema accepts.
 */
async function checkWellFormedDevices(
  path: string,
  input: SiteConfigInput,
  early: readonly ConfigIssue[],
  source: YamlSource,
): Promise<ConfigIssue[]> {
  if (!Array.isArray(input?.devices) || early.some((i) => i.path === 'profilesDir')) return [];
  const broken = (index: number) => early.some((i) => i.path === 'devices' || i.path.startsWith(`devices[${index}]`));
  const wellFormed = [...input.devices.entries()].filter(([i]) => !broken(i));
  const issues: ConfigIssue[] = [];
  await resolveDevices(path, input, wellFormed, source, issues);
  return issues;
}

/**
 * A site of a thousand detectors names one profile a thousand times: each
 * profile file is read, checked and resolved once per site and shared (it is
 * frozen with the rest of the config). Its own errors are reported once.
 */
async function loadProfileFor(
  device: SiteDeviceInput,
  index: number,
  profiles: { readonly dirs: readonly string[]; readonly loaded: Map<string, Promise<Profile>> },
  source: YamlSource,
  issues: ConfigIssue[],
): Promise<Profile | undefined> {
  const seen = profiles.loaded.get(device.profile);
  const loading = seen ?? findProfile(device.profile, profiles.dirs);
  profiles.loaded.set(device.profile, loading);
  try {
    return await loading;
  } catch (e) {
    if (e instanceof ConfigError) {
      if (!seen) issues.push(...e.issues);
    } else if (isLifelineError(e, 'LL_ERR_PROFILE_NOT_FOUND')) {
      issues.push(source.issueAt(['devices', index, 'profile'], e.message, e.hint));
    } else throw e;
    return undefined;
  }
}

function buildSite(file: string, input: SiteConfigInput, devices: DeviceConfig[]): Omit<SiteConfig, 'actions' | 'alarms' | 'delivery'> {
  const localTls = resolveListenerTls(input.mqtt?.local?.tls, dirname(file));
  return {
    file,
    site: input.site,
    gateway: input.gateway,
    stateDir: resolve(dirname(file), input.stateDir ?? DEFAULTS.stateDir),
    stopDeadlineMs: input.stopDeadlineMs ?? DEFAULTS.stopDeadlineMs,
    http: resolveHttp(input.http, dirname(file)),
    mqtt: {
      local: {
        enabled: input.mqtt?.local?.enabled ?? true,
        host: input.mqtt?.local?.host ?? DEFAULTS.mqttLocalHost,
        port: input.mqtt?.local?.port ?? DEFAULTS.mqttLocalPort,
        allowInsecure: input.mqtt?.local?.allowInsecure ?? false,
        maxPacketBytes: input.mqtt?.local?.maxPacketBytes ?? DEFAULTS.mqttLocalMaxPacketBytes,
        ...(localTls ? { tls: localTls } : {}),
      },
    },
    simulator: {
      http: {
        host: input.simulator?.http?.host ?? DEFAULTS.simHttpHost,
        port: input.simulator?.http?.port ?? DEFAULTS.simHttpPort,
        allowInsecure: input.simulator?.http?.allowInsecure ?? false,
      },
    },
    twin: resolveTwinConfig(input.twin),
    devices,
  };
}

function resolveDevice(
  device: SiteDeviceInput,
  index: number,
  profile: Profile,
  source: YamlSource,
  issues: ConfigIssue[],
): DeviceConfig | undefined {
  const at = ['devices', index, 'points'];
  for (const pointId of Object.keys(device.points ?? {})) {
    if (!(pointId in profile.points)) {
      issues.push(
        source.issueAt(
          at,
          `profile "${profile.id}" has no point "${pointId}"`,
          `use one of: ${Object.keys(profile.points).join(', ')}`,
          pointId,
        ),
      );
    }
  }
  const intern = internIn(profile);
  const points = Object.entries(profile.points).map(([id, point]): PointConfig => {
    const limits = intern(
      mergeLimits(point.limits ?? {}, device.points?.[id]?.limits ?? {}, source, [...at, id, 'limits'], issues).map(intern),
    );
    return {
      id,
      name: point.name,
      ...(point.names ? { names: point.names } : {}),
      unit: point.unit ?? '',
      dataType: pointDataType(point),
      ...(point.modbus
        ? {
            register: intern({
              table: point.modbus.table,
              address: point.modbus.address,
              type: point.modbus.type,
              wordOrder: point.modbus.wordOrder ?? 'big',
              scale: point.modbus.scale ?? 1,
              offset: point.modbus.offset ?? 0,
              ...(point.modbus.bit !== undefined ? { bit: point.modbus.bit } : {}),
            }),
          }
        : {}),
      ...(point.opcua ? { opcua: point.opcua } : {}),
      writable: point.writable ?? false,
      ...(point.range ? { range: point.range } : {}),
      limits,
      ...(point.simulation ? { initial: point.simulation.initial } : {}),
    };
  });
  const transport = resolveTransport(device, index, source, issues);
  if (!transport) return undefined;
  const pollIntervalMs = device.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
  const ids = points.map((p) => p.id);
  const acquisition = resolveAcquisition(device.acquisition, pollIntervalMs, ids, ['devices', index, 'acquisition'], source, issues);
  return {
    id: device.id,
    name: device.name ?? profile.name,
    ...namesOf(device, profile),
    profile,
    pollIntervalMs,
    points,
    acquisition,
    ...transport,
  };
}

/** Site values override the profile's per field; a limit the profile lacks needs value and priority. */
function mergeLimits(
  base: Partial<Record<LimitCondition, Limit>>,
  override: Partial<Record<LimitCondition, Partial<Limit>>>,
  source: YamlSource,
  at: (string | number)[],
  issues: ConfigIssue[],
): LimitConfig[] {
  const merged: Partial<Record<LimitCondition, Partial<Limit>>> = {};
  for (const condition of LIMIT_CONDITIONS) {
    const limit = { ...base[condition], ...override[condition] };
    if (Object.keys(limit).length > 0) merged[condition] = limit;
  }
  for (const [condition, limit] of Object.entries(merged)) {
    for (const key of ['value', 'priority'] as const) {
      if (limit[key] === undefined) {
        issues.push(
          source.issueAt(
            [...at, condition],
            `limit ${condition} needs "${key}"`,
            `add ${key}: (the profile defines no ${condition} limit to inherit from)`,
          ),
        );
      }
    }
  }
  issues.push(...checkLimitOrder(merged as Partial<Record<LimitCondition, Limit>>, source, at));
  return LIMIT_CONDITIONS.flatMap((condition): LimitConfig[] => {
    const l = merged[condition];
    if (!l || l.enabled === false || l.value === undefined || l.priority === undefined) return [];
    return [
      {
        condition,
        value: l.value,
        hysteresis: l.hysteresis ?? 0,
        priority: l.priority,
        onDelayMs: l.onDelayMs ?? 0,
        offDelayMs: l.offDelayMs ?? 0,
        onSamples: l.onSamples ?? 1,
        offSamples: l.offSamples ?? 1,
        ...(l.basis ? { basis: l.basis } : {}),
      },
    ];
  });
}

function checkUniqueDevices(inputs: readonly SiteDeviceInput[], resolved: readonly DeviceConfig[], source: YamlSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = new Map<string, number>();
  for (const [index, d] of inputs.entries()) {
    const first = ids.get(d.id);
    if (first !== undefined) {
      issues.push(
        source.issueAt(
          ['devices', index, 'id'],
          `device id "${d.id}" is already used by devices[${first}]`,
          'give every device its own id',
        ),
      );
    } else ids.set(d.id, index);
  }
  const addresses = new Map<string, string>();
  for (const d of resolved) {
    if (d.transport !== 'modbus') continue;
    const address = modbusAddressKey(d.modbus);
    const other = addresses.get(address);
    // Port 0 means "a free port, chosen at start" (simulator and demo), so it cannot clash yet.
    const deferred = d.modbus.framing !== 'rtu' && d.modbus.port === 0;
    if (other !== undefined && !deferred) {
      const index = inputs.findIndex((i) => i.id === d.id);
      issues.push(
        source.issueAt(
          ['devices', index, 'modbus'],
          `Modbus address ${address} is already used by device "${other}"`,
          'give each device on one link its own unitId',
        ),
      );
    } else addresses.set(address, d.id);
  }
  return [...issues, ...checkSharedPipelining(inputs, resolved, source)];
}

/** Units behind one Modbus TCP host:port share one connection, so they share its pipelining depth. */
function checkSharedPipelining(inputs: readonly SiteDeviceInput[], resolved: readonly DeviceConfig[], source: YamlSource): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const links = new Map<string, { device: string; maxInFlight: number }>();
  for (const d of resolved) {
    if (d.transport !== 'modbus' || d.modbus.framing !== 'tcp' || d.modbus.port === 0) continue;
    const key = `${d.modbus.host}:${d.modbus.port}`;
    const first = links.get(key);
    if (!first) links.set(key, { device: d.id, maxInFlight: d.modbus.maxInFlight });
    else if (first.maxInFlight !== d.modbus.maxInFlight) {
      const index = inputs.findIndex((i) => i.id === d.id);
      issues.push(
        source.issueAt(
          ['devices', index, 'modbus'],
          `maxInFlight ${d.modbus.maxInFlight} differs from device "${first.device}" (${first.maxInFlight}) on the same link ${key}`,
          `give every device on ${key} the same maxInFlight`,
          'maxInFlight',
        ),
      );
    }
  }
  return issues;
}

/** A site's `name` without `names` is the site's own name for every language; else the site's names, else the profile's. */
function namesOf(device: { name?: string; names?: Names }, profile: { names?: Names }): { names?: Names } {
  if (device.names) return { names: device.names };
  if (device.name !== undefined || !profile.names) return {};
  return { names: profile.names };
}
