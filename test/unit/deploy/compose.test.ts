import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadSiteConfig, type SiteConfig } from '../../../core/src/index.js';
import { REPO_ROOT } from '../../support/fixtures.js';

/**
 * There is no Docker engine here, so docker-compose.yml is checked by parsing:
 * services, ports, volumes and every referenced file must be consistent.
 */
interface Service {
  build?: { context: string; target?: string };
  image?: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  secrets?: string[];
  restart?: string;
}

const composeText = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
};
const services = Object.entries(compose.services);
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

/** Compose variable interpolation (`${VAR}`, `${VAR:-default}`, `$$`) as `docker compose` does it with `host` as the shell's environment. */
function interpolate(value: string, host: NodeJS.ProcessEnv = {}): string {
  return value.replace(/\$\$|\$\{(\w+)(?::-([^}]*))?\}/g, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const set = name === undefined ? undefined : host[name];
    return set !== undefined && set !== '' ? set : (fallback ?? '');
  });
}

/** The environment a service's container gets. */
function envOf(name: string, host: NodeJS.ProcessEnv = {}): Record<string, string> {
  const env = compose.services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v), host)]));
}

/** The Dockerfile's stages by name, each its own text from FROM to the next FROM. */
const stages = new Map(
  dockerfile
    .split(/^(?=FROM )/m)
    .map((text) => [/^FROM \S+ AS (\S+)$/m.exec(text)?.[1] ?? '', text] as const)
    .filter(([name]) => name !== ''),
);

/** What a service gets at a container path: a compose secret it lists, or a named volume it mounts there. */
function provider(name: string, containerPath: string): { secret: string } | { volume: string } | undefined {
  const service = compose.services[name];
  const secret = /^\/run\/secrets\/([\w-]+)$/.exec(containerPath)?.[1];
  if (secret) return service?.secrets?.includes(secret) ? { secret } : undefined;
  const mount = service?.volumes?.find((v) => containerPath.startsWith(`${v.split(':')[1]}/`));
  return mount ? { volume: mount.split(':')[0] as string } : undefined;
}

/** Issued tokens (influx-tokens) stand in for the real ones; compose secrets are their committed *.example. */
const SAMPLE_ISSUED_TOKEN = 'an-issued-influxdb-token-0123456789';

/**
 * A service's site as it loads in its container: every `${file:PATH}` must be
 * something the service is given (a secret it lists, a volume it mounts), and
 * is replaced by a local sample of it.
 */
async function loadAsIn(name: string, siteFile: string, host: NodeJS.ProcessEnv = {}): Promise<SiteConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-compose-'));
  try {
    let n = 0;
    const sample = (line: string) =>
      line.replace(/\$\{file:([^}]+)\}/g, (_all, path: string) => {
        const given = provider(name, path);
        assert.ok(given, `${name}: ${siteFile} reads ${path}, which the service is not given`);
        const file = join(dir, `secret-${n++}`);
        const example = 'secret' in given ? join(REPO_ROOT, `${compose.secrets?.[given.secret]?.file}.example`) : undefined;
        writeFileSync(file, example ? readFileSync(example) : SAMPLE_ISSUED_TOKEN);
        return `\${file:${file}}`;
      });
    // Comments may mention the syntax; only values are read.
    const lines = readFileSync(join(REPO_ROOT, siteFile), 'utf8').split('\n');
    const text = lines.map((l) => (l.trimStart().startsWith('#') ? l : sample(l))).join('\n');
    writeFileSync(join(dir, 'site.yaml'), text);
    return await loadSiteConfig(join(dir, 'site.yaml'), envOf(name, host));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A one-shot job: it runs to completion (no restart) and is waited for as such. */
const isJob = (service: Service) => service.restart === 'no';

const REQUIRED = ['gateway', 'firmware-sim', 'mosquitto', 'influxdb', 'grafana', 'node-red', 'centre'];

describe('docker-compose.yml is consistent', () => {
  it('every bind-mounted file or folder exists and every named volume is declared', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (!source) continue;
        if (source.startsWith('.') || source.startsWith('/')) {
          assert.ok(existsSync(join(REPO_ROOT, source)), `${name}: ${source} does not exist`);
        } else {
          assert.ok(compose.volumes && source in compose.volumes, `${name}: named volume ${source} is not declared`);
        }
      }
    }
  });

  it('no two services publish the same host port', () => {
    const seen = new Map<string, string>();
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        const host = port.split(':')[0] as string;
        assert.ok(!seen.has(host), `host port ${host} published by ${seen.get(host)} and ${name}`);
        seen.set(host, name);
      }
    }
  });

  it('every service has a health check (a one-shot job: is waited for until it completes) and depends only on services that exist', () => {
    for (const [name, service] of services) {
      if (!isJob(service)) assert.ok(service.healthcheck?.test.length, `${name} has no healthcheck`);
      for (const [dependency, { condition } = {}] of Object.entries(service.depends_on ?? {})) {
        const other = compose.services[dependency];
        assert.ok(other, `${name} depends on unknown service ${dependency}`);
        assert.equal(condition, isJob(other) ? 'service_completed_successfully' : 'service_healthy', `${name} waits for ${dependency}`);
      }
    }
  });

  it('has no top-level name: (only Compose v2 reads it)', () => {
    assert.equal(compose.name, undefined);
    assert.doesNotMatch(composeText, /^name:/m);
  });

  it('every build targets a stage of the Dockerfile, which runs as a non-root user', () => {
    for (const [name, service] of services) {
      if (!service.build) continue;
      assert.ok(existsSync(join(REPO_ROOT, service.build.context, 'Dockerfile')), `${name}: no Dockerfile`);
      if (service.build.target)
        assert.match(dockerfile, new RegExp(`^FROM .+ AS ${service.build.target}$`, 'm'), `${name}: no stage ${service.build.target}`);
    }
    assert.match(dockerfile, /^USER node$/m);
  });

  it('the gateway keeps its state on a volume', () => {
    const gateway = compose.services.gateway;
    assert.ok(
      gateway?.volumes?.some((v) => v.endsWith(':/var/lib/lifeline')),
      'gateway has no state volume',
    );
  });

  it('every site config mounted into a service validates with the environment and the secrets that service gets', async () => {
    let checked = 0;
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (!source.endsWith('site.yaml')) continue;
        await loadAsIn(name, source);
        checked++;
      }
    }
    assert.ok(checked >= 2, 'the gateway and the simulator both mount a site');
  });

  it("the simulator's site serves exactly the gateway site's devices, and holds no secret", () => {
    const mounted = (name: string) =>
      compose.services[name]?.volumes?.find((v) => v.split(':')[1] === '/etc/lifeline/site.yaml')?.split(':')[0];
    const [gatewaySite, simSite] = [mounted('gateway'), mounted('firmware-sim')].map((f) => {
      assert.ok(f, 'both mount a site at /etc/lifeline/site.yaml');
      return readFileSync(join(REPO_ROOT, f), 'utf8');
    }) as [string, string];
    assert.deepEqual((parse(simSite) as { devices: unknown }).devices, (parse(gatewaySite) as { devices: unknown }).devices);
    assert.doesNotMatch(simSite, /\$\{(file|env):/, 'the simulator needs no secret');
    assert.deepEqual(compose.services['firmware-sim']?.secrets ?? [], []);
  });

  it('has the whole stack: gateway, simulator, centre broker and mirror, InfluxDB, Grafana, Node-RED', () => {
    for (const name of REQUIRED) assert.ok(name in compose.services, `service ${name} is missing`);
  });

  it('initialises InfluxDB 2 with user, org and bucket from LIFELINE_INFLUX_* with defaults, password and operator token from secrets', () => {
    const influx = compose.services.influxdb;
    assert.match(influx?.image ?? '', /^influxdb:2\./);
    const env = influx?.environment ?? {};
    assert.equal(env.DOCKER_INFLUXDB_INIT_MODE, 'setup');
    for (const [key, variable] of [
      ['DOCKER_INFLUXDB_INIT_USERNAME', 'LIFELINE_INFLUX_USERNAME'],
      ['DOCKER_INFLUXDB_INIT_ORG', 'LIFELINE_INFLUX_ORG'],
      ['DOCKER_INFLUXDB_INIT_BUCKET', 'LIFELINE_INFLUX_BUCKET'],
    ] as const) {
      assert.match(env[key] ?? '', new RegExp(`^\\$\\{${variable}:-.+\\}$`), `${key} comes from ${variable} with a default`);
    }
    // The image reads DOCKER_INFLUXDB_INIT_{PASSWORD,ADMIN_TOKEN}_FILE; neither value is in the environment.
    assert.equal(env.DOCKER_INFLUXDB_INIT_PASSWORD, undefined);
    assert.equal(env.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN, undefined);
    assert.deepEqual(provider('influxdb', env.DOCKER_INFLUXDB_INIT_PASSWORD_FILE ?? ''), { secret: 'influx_admin_password' });
    assert.deepEqual(provider('influxdb', env.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN_FILE ?? ''), { secret: 'influx_admin_token' });
    assert.ok(
      influx?.volumes?.some((v) => v.endsWith(':/var/lib/influxdb2')),
      'InfluxDB keeps its data on a volume',
    );
  });

  it('secrets are compose file secrets that deploy/secrets/generate.sh creates, git ignores and a committed *.example shows', () => {
    const declared = Object.entries(compose.secrets ?? {});
    assert.ok(declared.length >= 4);
    const generator = readFileSync(join(REPO_ROOT, 'deploy/secrets/generate.sh'), 'utf8');
    for (const [name, { file }] of declared) {
      assert.equal(file, `./deploy/secrets/${name}`, `${name} is a file under deploy/secrets`);
      assert.ok(existsSync(join(REPO_ROOT, `${file}.example`)), `${file}.example shows its form`);
      assert.match(generator, new RegExp(`\\b${name}\\b`), `generate.sh creates ${name}`);
      const ignored = spawnSync('git', ['check-ignore', '-q', file as string], { cwd: REPO_ROOT });
      assert.equal(ignored.status, 0, `git ignores ${file}`);
    }
    for (const [name, service] of services)
      for (const secret of service.secrets ?? []) assert.ok(compose.secrets?.[secret], `${name} uses undeclared secret ${secret}`);
  });

  it('no password or token sits in an environment variable or has a default; *_FILE variables name secrets the service gets', () => {
    for (const [name, service] of services) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (key.endsWith('_FILE')) {
          if (/^\/run\/secrets\//.test(value)) assert.ok(provider(name, value), `${name}: ${key} names a secret it does not get`);
          continue;
        }
        if (!/TOKEN|PASSWORD/.test(key)) continue;
        // An operator may still pass one in (LIFELINE_CENTRE_TOKEN), but the stack never ships a value.
        assert.equal(interpolate(String(value)), '', `${name}: ${key} has a built-in value`);
      }
    }
    assert.doesNotMatch(composeText, /change-me|:-admin\}/);
  });

  it('Grafana has no admin/admin: its admin password is a secret', () => {
    const env = compose.services.grafana?.environment ?? {};
    assert.equal(env.GF_SECURITY_ADMIN_PASSWORD, undefined);
    assert.deepEqual(provider('grafana', env.GF_SECURITY_ADMIN_PASSWORD__FILE ?? ''), { secret: 'grafana_admin_password' });
    assert.notEqual(envOf('grafana').GF_SECURITY_ADMIN_USER ?? 'admin', 'admin', 'not the well-known user either');
  });

  it('InfluxDB tokens: the gateway writes with a write-only one, Grafana reads with a read-only one, only the issuer sees the operator token', async () => {
    const issuer = compose.services['influx-tokens'];
    assert.ok(issuer && isJob(issuer), 'influx-tokens is a one-shot job');
    const script = issuer.volumes?.find((v) => v.endsWith('.mjs:ro'))?.split(':')[0] ?? '';
    assert.ok(existsSync(join(REPO_ROOT, script)), `${script} exists`);
    const env = envOf('influx-tokens');
    assert.deepEqual(provider('influx-tokens', env.INFLUX_ADMIN_TOKEN_FILE ?? ''), { secret: 'influx_admin_token' });
    assert.equal(env.INFLUX_URL, 'http://influxdb:8086');
    const influx = envOf('influxdb');
    assert.deepEqual([env.INFLUX_ORG, env.INFLUX_BUCKET], [influx.DOCKER_INFLUXDB_INIT_ORG, influx.DOCKER_INFLUXDB_INIT_BUCKET]);
    const write = provider('influx-tokens', env.WRITE_TOKEN_FILE ?? '');
    const read = provider('influx-tokens', env.READ_TOKEN_FILE ?? '');
    assert.ok(write && 'volume' in write && read && 'volume' in read);
    assert.notEqual(write.volume, read.volume);

    const site = await loadAsIn('gateway', 'deploy/compose/site.yaml');
    const sink = site.delivery.influx[0];
    assert.ok(sink?.version === 2);
    assert.equal(sink.token, SAMPLE_ISSUED_TOKEN, 'the gateway sink reads an issued token');
    const gatewaySite = readFileSync(join(REPO_ROOT, 'deploy/compose/site.yaml'), 'utf8');
    const sinkToken = /token: \$\{file:(\/run\/lifeline\/[^}]+)\}/.exec(gatewaySite)?.[1] ?? '';
    assert.deepEqual(provider('gateway', sinkToken), write, 'from the write-token volume');
    assert.ok(compose.services.gateway?.volumes?.some((v) => v.startsWith(`${write.volume}:`) && v.endsWith(':ro')));

    const datasource = readFileSync(join(REPO_ROOT, 'dashboards/grafana/provisioning/datasources/influxdb.yaml'), 'utf8');
    const readToken = /token: \$__file\{([^}]+)\}/.exec(datasource)?.[1] ?? '';
    assert.deepEqual(provider('grafana', readToken), read, 'Grafana reads from the read-token volume');
    assert.equal(readToken, env.READ_TOKEN_FILE);

    for (const [name, service] of services) {
      const mounts = (service.volumes ?? []).map((v) => v.split(':')[0]);
      if (name !== 'influx-tokens' && name !== 'gateway') assert.ok(!mounts.includes(write.volume), `${name} cannot see the write token`);
      if (name !== 'influx-tokens' && name !== 'grafana') assert.ok(!mounts.includes(read.volume), `${name} cannot see the read token`);
      if (name !== 'influx-tokens' && name !== 'influxdb')
        assert.ok(!service.secrets?.includes('influx_admin_token'), `${name} gets the operator token`);
    }
    for (const consumer of ['gateway', 'grafana'])
      assert.equal(compose.services[consumer]?.depends_on?.['influx-tokens']?.condition, 'service_completed_successfully');
  });

  it('mounts the Grafana provisioning and dashboards, and the data source reads the org and bucket InfluxDB was set up with', () => {
    const grafana = compose.services.grafana;
    assert.match(grafana?.image ?? '', /^grafana\/grafana:11\./);
    const mounts = new Map((grafana?.volumes ?? []).map((v) => [v.split(':')[1], v.split(':')[0] as string]));
    const provisioning = mounts.get('/etc/grafana/provisioning');
    assert.ok(provisioning, 'provisioning is mounted');
    for (const folder of ['datasources', 'dashboards'])
      assert.ok(existsSync(join(REPO_ROOT, provisioning, folder)), `${provisioning}/${folder} exists`);
    const datasource = parse(readFileSync(join(REPO_ROOT, provisioning, 'datasources/influxdb.yaml'), 'utf8')) as {
      datasources: { url: string; jsonData: { organization: string; defaultBucket: string } }[];
    };
    const source = datasource.datasources[0];
    assert.ok(source);
    // Whatever the operator sets (or the defaults), Grafana and InfluxDB agree.
    for (const host of [{}, { LIFELINE_INFLUX_ORG: 'utility', LIFELINE_INFLUX_BUCKET: 'b1' }]) {
      const env = envOf('grafana', host);
      const grafanaEnv = (text: string) =>
        interpolate(
          text.replace(/\$\{(\w+)\}/g, (_, n: string) => `\${${n}:-}`),
          env,
        );
      const influx = envOf('influxdb', host);
      assert.equal(grafanaEnv(source.jsonData.organization), influx.DOCKER_INFLUXDB_INIT_ORG);
      assert.equal(grafanaEnv(source.jsonData.defaultBucket), influx.DOCKER_INFLUXDB_INIT_BUCKET);
      assert.equal(grafanaEnv(source.url), 'http://influxdb:8086');
    }
    assert.ok(
      compose.services.influxdb?.ports?.some((p) => p.endsWith(':8086')),
      'InfluxDB listens on 8086',
    );
  });

  it("the gateway's site writes telemetry to the influxdb service with its org and bucket, and the dashboard has an operator token from a secret", async () => {
    const gateway = compose.services.gateway;
    const source = gateway?.volumes?.find((v) => v.split(':')[1] === '/etc/lifeline/site.yaml')?.split(':')[0];
    assert.ok(source, 'the gateway mounts its site');
    assert.deepEqual(gateway?.command?.slice(-2), ['--config', '/etc/lifeline/site.yaml']);
    const host = { LIFELINE_INFLUX_ORG: 'utility', LIFELINE_INFLUX_BUCKET: 'b1' };
    const site = await loadAsIn('gateway', source, host);
    const influx = envOf('influxdb', host);
    const sink = site.delivery.influx.find((i) => new URL(i.url).hostname === 'influxdb');
    assert.ok(sink, 'an influx sink points at the influxdb service');
    assert.equal(sink.url, 'http://influxdb:8086');
    assert.ok(sink.version === 2);
    assert.deepEqual([sink.org, sink.bucket], [influx.DOCKER_INFLUXDB_INIT_ORG, influx.DOCKER_INFLUXDB_INIT_BUCKET]);
    assert.equal(site.mqtt.centre?.url, 'mqtt://mosquitto:1883');
    const example = readFileSync(join(REPO_ROOT, 'deploy/secrets/dashboard_operator_token.example'), 'utf8').replace(/\r?\n$/, '');
    const operator = site.http.tokens.find((t) => t.role === 'operator');
    assert.equal(operator?.token, example, 'the operator token is the dashboard_operator_token secret');
  });

  it('every host in a service URL is a service of the stack', () => {
    for (const [name, service] of services) {
      const texts = [...Object.values(service.environment ?? {}).map(String), ...(service.command ?? [])];
      for (const text of texts) {
        for (const [, host] of text.matchAll(/\b(?:mqtt|http|ws):\/\/([\w.-]+):\d+/g)) {
          if (host === '127.0.0.1' || host === 'localhost') continue;
          assert.ok(host && host in compose.services, `${name}: ${text} names unknown host ${host}`);
        }
      }
    }
  });

  it('the centre and simulator commands run files of the repo; the centre serves the port it publishes', () => {
    for (const name of ['centre', 'firmware-sim']) {
      const command = compose.services[name]?.command ?? [];
      assert.equal(command[0], 'node', `${name} runs node`);
      assert.ok(existsSync(join(REPO_ROOT, command[1] as string)), `${name}: ${command[1]} exists`);
    }
    const centre = compose.services.centre?.command ?? [];
    assert.equal(centre[1], `twin/${readJson('twin/package.json').bin?.['lifeline-centre']}`, 'the lifeline-centre bin');
    const port = centre[centre.indexOf('--http-port') + 1];
    assert.ok(compose.services.centre?.ports?.includes(`${port}:${port}`), `centre publishes ${port}`);
    assert.match(compose.services.centre?.healthcheck?.test.join(' ') ?? '', new RegExp(`127\\.0\\.0\\.1:${port}/api/health`));
  });

  it('the node-red stage installs Node-RED 5 from its own lockfile with our nodes package, runs it as node with /data on a volume', () => {
    const nodeRed = compose.services['node-red'];
    assert.equal(nodeRed?.build?.target, 'node-red');
    assert.ok(nodeRed?.volumes?.some((v) => v.startsWith('node-red-data:') && v.endsWith(':/data')));
    const stage = stages.get('node-red') ?? '';
    assert.match(stage, /^USER node$/m);
    assert.match(stage, /^COPY --from=runtime \/app \/opt\/lifeline$/m, 'the runtime image tree');
    for (const part of ['package.json', 'dist', 'red', 'examples'])
      assert.match(stage, new RegExp(`^COPY --from=build /app/nodes/${part} /opt/lifeline/nodes/${part}$`, 'm'), `nodes/${part}`);
    const copied = /^COPY (?:--chown=\S+ )?(deploy\/\S+\/)package\.json \1package-lock\.json \.\/$/m.exec(stage)?.[1];
    assert.ok(copied, 'the stage copies deploy/…/package.json with its package-lock.json');
    const pkg = readJson(`${copied}package.json`);
    const lock = readJson<PackageLock>(`${copied}package-lock.json`);
    assert.match(pkg.dependencies?.['node-red'] ?? '', /^5\.\d+\.\d+$/, 'Node-RED 5, an exact version');
    assert.equal(lock.packages['node_modules/node-red']?.version, pkg.dependencies?.['node-red'], 'the lockfile pins that version');
    assert.deepEqual(lock.packages['']?.dependencies, pkg.dependencies, 'the lockfile is up to date with package.json');
    const ours = pkg.dependencies?.['node-red-contrib-lifeline'] ?? '';
    // Relative, so the lockfile reads the same in /usr/src/node-red and where scripts/rehearse-image.ts generates it.
    assert.equal(ours, 'file:../../../opt/lifeline/nodes');
    assert.deepEqual(lock.packages['node_modules/node-red-contrib-lifeline'], { resolved: '../../../opt/lifeline/nodes', link: true });
    const nodes = readJson('nodes/package.json');
    assert.equal(nodes.name, 'node-red-contrib-lifeline');
    assert.match(nodes['node-red']?.version ?? '', /^>=5\./, 'the nodes declare the Node-RED they need');
    const files = Object.values(nodes['node-red']?.nodes ?? {});
    assert.ok(files.length >= 4);
    for (const file of files) assert.ok(existsSync(join(REPO_ROOT, 'nodes', file)), `nodes/${file} exists`);
    assert.match(stage, /^RUN npm ci --omit=dev /m);
    assert.match(stage, /^ENTRYPOINT \["node", "node_modules\/node-red\/red\.js"\]$/m);
    assert.match(stage, /^CMD \["--userDir", "\/data"\]$/m);
  });
});

describe('Dockerfile builds lean, reproducible images', () => {
  const NODE_TAG = /^node:24\.\d+\.\d+-bookworm(-slim)?$/;

  it('every stage is on Node.js 24 with a full version tag, the one scripts/node-runtime.sh runs', () => {
    const runtime = readFileSync(join(REPO_ROOT, 'scripts/node-runtime.sh'), 'utf8');
    const version = /\b24\.\d+\.\d+\b/.exec(runtime)?.[0];
    assert.ok(version, 'scripts/node-runtime.sh names the Node.js 24 version');
    assert.ok(stages.size >= 4, 'build, prod-deps, runtime, node-red');
    for (const [name, text] of stages) {
      const base = /^FROM (\S+) AS/m.exec(text)?.[1] ?? '';
      assert.match(base, NODE_TAG, `${name}: ${base}`);
      assert.ok(base.startsWith(`node:${version}-`), `${name}: ${base} is Node.js ${version}`);
    }
    for (const name of ['runtime', 'node-red']) assert.match(stages.get(name) ?? '', /^FROM node:\S+-slim AS/m, `${name} is slim`);
  });

  it('every stage that installs packages does so from a lockfile (npm ci, never npm install)', () => {
    let installs = 0;
    for (const [name, text] of stages) {
      assert.doesNotMatch(text, /\bnpm (install|i|update)\b/, `${name} installs without a lockfile`);
      if (!/\bnpm ci\b/.test(text)) continue;
      installs++;
      assert.match(text, /^COPY .*package-lock\.json/m, `${name} copies the lockfile it installs from`);
    }
    assert.equal(installs, 3, 'build, prod-deps and node-red install');
  });

  it('the runtime stage copies an explicit list: built output, production deps and runtime data, never tests, benches, docs or sources', () => {
    const stage = stages.get('runtime') ?? '';
    const copies = stage.match(/^COPY .*$/gm) ?? [];
    assert.ok(copies.length > 5);
    for (const line of copies) {
      const paths = line.split(' ').filter((w, i) => i > 0 && !w.startsWith('--'));
      assert.ok(paths.length >= 2, line);
      for (const path of paths.slice(0, -1)) {
        assert.doesNotMatch(path, /(^|\/)(test|bench|docs|src|scripts)(\/|$)|\.ts$|tsbuildinfo/, `${line} copies ${path}`);
        assert.notEqual(path.replace(/^\/app\/?/, ''), '', `${line} copies a whole tree`);
        assert.notEqual(path, '.', `${line} copies the whole context`);
      }
    }
    assert.match(stage, /^COPY --from=prod-deps \/app\/node_modules node_modules$/m, 'production dependencies from the prod-deps stage');
    assert.match(stages.get('prod-deps') ?? '', /^RUN npm ci --omit=dev /m);
    // The files the runtime reads relative to its own modules (import.meta.url).
    for (const data of ['device-profiles', 'dashboards/web', 'firmware-sim/scenarios', 'examples/demo'])
      assert.match(stage, new RegExp(`^COPY ${data} ${data}$`, 'm'), `${data} is in the image`);
    // The build stage drops what only the compiler reads.
    assert.match(stages.get('build') ?? '', /-name '\*\.tsbuildinfo' -o -name '\*\.d\.ts' -o -name '\*\.d\.ts\.map' \S+ -delete$/m);
  });

  it('.dockerignore keeps tests, benches, docs, secrets and local state out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', 'node_modules', '**/node_modules', '**/dist', 'test', 'bench', 'docs', 'deploy/secrets', '.node', '.env'])
      assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
  });
});

interface PackageLock {
  packages: Record<string, { version?: string; dependencies?: Record<string, string>; resolved?: string; link?: boolean }>;
}

interface PackageJson {
  name?: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  'node-red'?: { version?: string; nodes?: Record<string, string> };
}

function readJson<T = PackageJson>(path: string): T {
  return JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as T;
}
