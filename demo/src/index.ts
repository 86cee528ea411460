/** Public API of the demo composition: the simulator and a gateway on one machine. */
export { DEMO_SITE, type RunningDemo, startDemo } from './demo.js';
export { demoBanner } from './demo-banner.js';
export { type DemoHint, demoHint } from './demo-hints.js';
export { signInUrl } from './demo-urls.js';
