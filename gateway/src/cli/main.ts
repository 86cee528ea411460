import { runCli } from '@lifeline/core';
import { gatewayCli } from './gateway-cli.js';

// The gateway package alone: run and validate. The product's `lifeline-gateway`
// (demo/bin) adds the demo, which needs the simulator.
runCli(gatewayCli());
