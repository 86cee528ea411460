import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadSiteConfig, type SiteConfig } from '../../core/src/index.js';

/** A small register map for acquisition tests: three holding registers, a writable set-point and a writable coil. */
export const TEST_METER_PROFILE = {
  id: 'test-meter',
  kind: 'test-meter',
  name: 'Acquisition test meter',
  points: {
    r0: { name: 'Register 0', modbus: { table: 'holding', address: 0, type: 'uint16' } },
    r1: { name: 'Register 1', modbus: { table: 'holding', address: 1, type: 'uint16' } },
    r10: { name: 'Register 10', modbus: { table: 'holding', address: 10, type: 'uint16' } },
    sp: { name: 'Set-point', modbus: { table: 'holding', address: 100, type: 'uint16' }, writable: true },
    relay: { name: 'Relay', modbus: { table: 'coil', address: 0, type: 'bool' }, writable: true },
  },
};

export interface TestSite {
  readonly config: SiteConfig;
  readonly dir: string;
  cleanup(): Promise<void>;
}

/**
 * Writes a site config (and optional profiles) into a temporary folder and
 * loads it with the real loader, so tests run on validated, defaulted config.
 */
export async function loadTestSite(
  devices: readonly Record<string, unknown>[],
  profiles: readonly object[] = [TEST_METER_PROFILE],
  stateDir = 'state',
): Promise<TestSite> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-acq-'));
  for (const profile of profiles) await writeFile(join(dir, `${(profile as { id: string }).id}.yaml`), stringify(profile));
  const site = {
    site: 'acq-test',
    gateway: 'gw-acq',
    profilesDir: '.',
    stateDir,
    http: { host: '127.0.0.1', port: 0 },
    mqtt: { local: { enabled: false } },
    devices,
  };
  await writeFile(join(dir, 'site.yaml'), stringify(site));
  const config = await loadSiteConfig(join(dir, 'site.yaml'));
  return { config, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
