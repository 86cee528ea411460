import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ALARM_MEASUREMENT, MEASUREMENT } from '../../../gateway/src/sinks/line-protocol.js';
import { REPO_ROOT } from '../../support/fixtures.js';

const GRAFANA = join(REPO_ROOT, 'dashboards/grafana');

/** The InfluxDB schema the outbox's sink writes (its measurement name, line-protocol.ts) and docs/dashboard.md states. */
const SCHEMA = {
  [MEASUREMENT]: { tags: ['site', 'gateway', 'device', 'point', 'unit'], fields: ['value', 'quality'] },
  [ALARM_MEASUREMENT]: {
    tags: ['site', 'gateway', 'device', 'point', 'condition', 'priority'],
    fields: ['event', 'state', 'value', 'limit', 'seq', 'user', 'reason'],
  },
} as const;
const ALL_TAGS = new Set<string>([...SCHEMA[MEASUREMENT].tags, ...SCHEMA[ALARM_MEASUREMENT].tags]);
const ALL_FIELDS = new Set<string>([...SCHEMA[MEASUREMENT].fields, ...SCHEMA[ALARM_MEASUREMENT].fields]);

interface Target {
  query: string;
  datasource: { uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; query: string }[] };
  annotations: { list: { target: { query: string }; datasource: { uid: string } }[] };
  panels: { title: string; datasource: { uid: string }; targets: Target[] }[];
}

async function dashboards(): Promise<[string, Dashboard][]> {
  const dir = join(GRAFANA, 'dashboards');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  return Promise.all(files.map(async (f) => [f, JSON.parse(await readFile(join(dir, f), 'utf8')) as Dashboard] as [string, Dashboard]));
}

describe('Grafana dashboards and provisioning', () => {
  it('has the site overview, device trends and alarm timeline, with unique uids', async () => {
    const all = await dashboards();
    assert.deepEqual(all.map(([f]) => f).sort(), ['alarm-timeline.json', 'device-trends.json', 'site-overview.json']);
    assert.equal(new Set(all.map(([, d]) => d.uid)).size, 3);
  });

  it('queries only the documented InfluxDB schema, through the provisioned data source', async () => {
    const provisioned = parse(await readFile(join(GRAFANA, 'provisioning/datasources/influxdb.yaml'), 'utf8'));
    const source = provisioned.datasources[0];
    assert.equal(source.type, 'influxdb');
    assert.equal(source.jsonData.version, 'Flux', 'InfluxDB 2 with Flux');
    for (const [file, d] of await dashboards()) {
      const variables = new Set(d.templating.list.map((v) => v.name));
      const targets = [
        ...d.panels.flatMap((p) => p.targets),
        ...d.annotations.list.map((a) => ({ query: a.target.query, datasource: a.datasource })),
      ];
      for (const p of d.panels) assert.equal(p.datasource.uid, source.uid, `${file}: ${p.title}`);
      for (const { query, datasource } of targets) {
        assert.equal(datasource.uid, source.uid, file);
        for (const [, m] of query.matchAll(/_measurement == "(\w+)"/g)) assert.ok(m && m in SCHEMA, `${file}: measurement ${m}`);
        for (const [, f] of query.matchAll(/_field == "(\w+)"/g)) assert.ok(ALL_FIELDS.has(f as string), `${file}: field ${f}`);
        for (const [, t] of query.matchAll(/\br\.([a-z]\w*)/g)) assert.ok(ALL_TAGS.has(t as string), `${file}: tag ${t}`);
        for (const [, v] of query.matchAll(/\$\{(\w+)(?::\w+)?\}/g)) assert.ok(variables.has(v as string), `${file}: variable ${v}`);
        assert.match(query, /from\(bucket: v\.defaultBucket\)/, `${file}: the bucket comes from the data source`);
      }
      for (const v of d.templating.list) {
        for (const [, t] of v.query.matchAll(/tag: "(\w+)"/g)) assert.ok(ALL_TAGS.has(t as string), `${file}: variable tag ${t}`);
      }
    }
  });

  it('provisions the dashboards from where docker-compose.yml mounts them', async () => {
    const provider = parse(await readFile(join(GRAFANA, 'provisioning/dashboards/lifeline.yaml'), 'utf8')).providers[0];
    const compose = parse(await readFile(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
    const mounts = (compose.services.grafana.volumes as string[]).map((v) => v.split(':'));
    const dashboardsMount = mounts.find(([, target]) => target === provider.options.path);
    assert.ok(dashboardsMount, `a volume mounts ${provider.options.path}`);
    assert.ok(existsSync(resolve(REPO_ROOT, dashboardsMount[0] as string, 'site-overview.json')));
    assert.ok(
      mounts.some(
        ([src, target]) => target === '/etc/grafana/provisioning' && existsSync(resolve(REPO_ROOT, src as string, 'datasources')),
      ),
    );
    const env = compose.services.grafana.environment;
    for (const name of ['LIFELINE_INFLUX_URL', 'LIFELINE_INFLUX_ORG', 'LIFELINE_INFLUX_BUCKET']) {
      assert.ok(name in env, `grafana gets ${name} for the data source`);
    }
    // The token is a file (the read-only token influx-tokens issues), in a volume Grafana mounts.
    const datasource = await readFile(join(GRAFANA, 'provisioning/datasources/influxdb.yaml'), 'utf8');
    const tokenFile = /token: \$__file\{([^}]+)\}/.exec(datasource)?.[1] ?? '';
    assert.ok(
      mounts.some(([, target]) => target && tokenFile.startsWith(`${target}/`)),
      `grafana mounts the folder of ${tokenFile}`,
    );
  });
});
