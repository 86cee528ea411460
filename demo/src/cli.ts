import { KEEP_RUNNING, runCli, stopOnSignals } from '@lifeline/core';
import { type CliCommand, createLogger, gatewayCli } from '@lifeline/gateway';
import { DEMO_SITE, startDemo } from './demo.js';
import { demoBanner } from './demo-banner.js';

/** `lifeline-gateway demo`: the simulator serving the site's devices, and a gateway reading them. */
const demo: CliCommand = {
  usage: 'demo [--config site.yaml]   simulator + gateway + broker + dashboard on this machine',
  async run(file, env) {
    // The demo talks to a person on stdout; keep the JSON logs to warnings unless asked.
    const running = await startDemo(file ?? DEMO_SITE, env, createLogger(env.LIFELINE_LOG_LEVEL ?? 'warn'));
    // Handlers first: whoever reads the banner may press Ctrl-C at once, and a clean stop removes a temporary state folder.
    stopOnSignals(() => running.stop(), running.site.stopDeadlineMs);
    process.stdout.write(`${demoBanner(running)}\n`);
    return KEEP_RUNNING;
  },
};

// The product's `lifeline-gateway` (the root package's bin): the gateway's commands and the demo.
runCli(gatewayCli({ demo }));
