import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadSiteConfig } from '../../../gateway/src/config/index.js';
import { REPO_ROOT } from '../../support/fixtures.js';

/**
 * There is no Docker engine here, so docker-compose.yml is checked by parsing:
 * services, ports, volumes and every referenced file must be consistent.
 */
interface Service {
  build?: { context: string; target?: string };
  image?: string;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');

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

  it('every service has a health check and depends only on services that exist', () => {
    for (const [name, service] of services) {
      assert.ok(service.healthcheck?.test.length, `${name} has no healthcheck`);
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        assert.ok(dependency in compose.services, `${name} depends on unknown service ${dependency}`);
      }
    }
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

  it('every site config mounted into a service validates', async () => {
    const sites = new Set(
      services.flatMap(([, s]) => (s.volumes ?? []).map((v) => v.split(':')[0] as string).filter((v) => v.endsWith('site.yaml'))),
    );
    assert.ok(sites.size > 0);
    for (const site of sites) await loadSiteConfig(join(REPO_ROOT, site), { LIFELINE_CENTRE_URL: 'mqtt://mosquitto:1883' });
  });
});
