import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { TalliedHistogram } from '../../../gateway/src/http/metrics/tallied-histogram.js';

const BUCKETS = [0.002, 0.01, 0.1, 1];
const SAMPLES: [string, number][] = [
  ['gas-1', 0.001],
  ['gas-2', 0.002],
  ['gas-1', 0.05],
  ['gas-1', 3],
  ['gas-2', 0.0021],
  ['gas-1', 1],
];

function registry(): Registry {
  const r = new Registry();
  r.setDefaultLabels({ site: 's1', gateway: 'g1' });
  return r;
}

describe('TalliedHistogram (a hot-path histogram by one label)', () => {
  it('exposes exactly what prom-client’s Histogram does for the same samples', async () => {
    const theirs = registry();
    const reference = new Histogram({ name: 'x_seconds', help: 'h', labelNames: ['device'], buckets: BUCKETS, registers: [theirs] });
    const ours = registry();
    const tallied = new TalliedHistogram({ name: 'x_seconds', help: 'h', label: 'device', buckets: BUCKETS, registry: ours });
    for (const [device, v] of SAMPLES) {
      reference.observe({ device }, v);
      tallied.observe(device, v);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  it('refuses a value that is not a finite number, and forgets its series on reset', async () => {
    const r = registry();
    const h = new TalliedHistogram({ name: 'x_seconds', help: 'h', label: 'device', buckets: BUCKETS, registry: r });
    assert.throws(() => h.observe('gas-1', Number.NaN), TypeError);
    h.observe('gas-1', 0.5);
    assert.match(await r.metrics(), /^x_seconds_count\{site="s1",gateway="g1",device="gas-1"\} 1$/m);
    r.resetMetrics();
    assert.doesNotMatch(await r.metrics(), /x_seconds_count/);
  });
});
