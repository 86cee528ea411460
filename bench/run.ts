/**
 * `npm run bench` runs every benchmark; `npm run bench -- NAME [options]` runs one.
 * Benchmarks measure; they never fail on a figure (machines here are shared and noisy).
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  'alarm-latency': () => import('./alarm-latency.js'),
  'sim-modbus': () => import('./sim-modbus.js'),
  'field-faults': () => import('./field-faults.js'),
  'alarm-decision': () => import('./alarm-decision.js'),
  acquisition: () => import('./acquisition.js'),
  outbox: () => import('./outbox.js'),
  twin: () => import('./twin.js'),
  centre: () => import('./centre.js'),
  pipeline: () => import('./pipeline.js'),
  gateway: () => import('./gateway-memory.js'),
  'modbus-floor': () => import('./modbus-floor.js'),
  soak: () => import('./soak.js'),
};

const name = process.argv[2];
/** The soak runs an hour by default: only when asked for by name. */
const selected = name ? [name] : Object.keys(BENCHES).filter((b) => b !== 'soak');
for (const bench of selected) {
  const load = BENCHES[bench];
  if (!load) {
    process.stderr.write(`unknown benchmark "${bench}"; choose one of: ${Object.keys(BENCHES).join(', ')}\n`);
    process.exit(2);
  }
  await (await load()).run();
}
