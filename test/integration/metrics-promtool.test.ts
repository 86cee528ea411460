import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { RunningDemo } from '../../demo/src/demo.js';
import { FIXTURES } from '../support/fixtures.js';
import { requireBinary } from '../support/services.js';
import { setPoint, startSite } from '../support/site-harness.js';

const PROMTOOL = '/usr/bin/promtool';

/** One sample line of the text exposition format: metric name and its labels. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a scrape (comments and blank lines skipped); enough of the format for prom-client's output. */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k, v]));
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

/** `promtool check metrics` with the scrape on stdin: its exit code and every finding it printed. */
function promtoolCheck(text: string): Promise<{ code: number | null; findings: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let findings = '';
    child.stdout.on('data', (b: Buffer) => (findings += b));
    child.stderr.on('data', (b: Buffer) => (findings += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, findings: findings.trim() }));
    child.stdin.end(text);
  });
}

/** The label sets of one device's series of a metric, as sorted strings without the value. */
function seriesOf(text: string, metric: string, device: string): string[] {
  return samples(text)
    .filter((s) => s.name === metric && s.labels.device === device)
    .map((s) => JSON.stringify(Object.entries(s.labels).sort()))
    .sort();
}

function sampleValue(text: string, metric: string, labels: Record<string, string>): number | undefined {
  return samples(text).find((s) => s.name === metric && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/**
 * `/metrics` of a real gateway polling the firmware simulator, linted by
 * Prometheus' own promtool (Debian package "prometheus"; only the binary is
 * used, no server): names, HELP, TYPE and suffixes follow the conventions,
 * and a device's series keep their identity when its comm state changes.
 */
describe('/metrics of a running gateway passes promtool', () => {
  let site: RunningDemo | undefined;

  beforeEach(function () {
    requireBinary(this, PROMTOOL, 'prometheus');
  });
  afterEach(async () => {
    await site?.stop();
    site = undefined;
  });

  async function scrapeUntil(ok: (text: string) => boolean, what: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = await (await fetch(`${site?.urls.dashboard}metrics`)).text();
      if (ok(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last scrape:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('has no findings after polls and an alarm, and none after the device went offline', async () => {
    site = await startSite(join(FIXTURES, 'gas-site.yaml'));
    await setPoint(site.urls.simulator, 'gas-1', 'lel1', 66);
    const online = await scrapeUntil(
      (t) =>
        (sampleValue(t, 'lifeline_poll_requests_total', { device: 'gas-1', outcome: 'ok' }) ?? 0) >= 3 &&
        (sampleValue(t, 'lifeline_alarms', { state: 'unacknowledged', priority: '1' }) ?? 0) >= 1 &&
        sampleValue(t, 'lifeline_device_online', { device: 'gas-1' }) === 1,
      'polls, a raised alarm and the device online',
    );
    assert.deepEqual(await promtoolCheck(online), { code: 0, findings: '' });

    await site.simulator.stop();
    const offline = await scrapeUntil(
      (t) => sampleValue(t, 'lifeline_device_state', { device: 'gas-1', state: 'offline' }) === 1,
      'the device offline',
    );
    assert.deepEqual(await promtoolCheck(offline), { code: 0, findings: '' });

    // Same series before and after the change; only their values moved.
    for (const metric of ['lifeline_device_online', 'lifeline_device_state']) {
      const before = seriesOf(online, metric, 'gas-1');
      assert.ok(before.length > 0, `${metric} has series for gas-1`);
      assert.deepEqual(seriesOf(offline, metric, 'gas-1'), before, `${metric} keeps its label sets across the state change`);
    }
    assert.equal(sampleValue(offline, 'lifeline_device_online', { device: 'gas-1' }), 0);
    assert.equal(sampleValue(online, 'lifeline_device_state', { device: 'gas-1', state: 'offline' }), 0);
    assert.equal(sampleValue(offline, 'lifeline_device_state', { device: 'gas-1', state: 'online' }), 0);
  });

  it('promtool itself flags what the gateway avoids (a gauge ending in _total), so a clean result means something', async () => {
    const bad = '# HELP lifeline_things_total Things\n# TYPE lifeline_things_total gauge\nlifeline_things_total 1\n';
    const result = await promtoolCheck(bad);
    assert.notEqual(result.code, 0);
    assert.match(result.findings, /non-counter metrics should not have "_total" suffix/);
  });
});
