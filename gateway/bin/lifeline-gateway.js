#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1 --max-old-space-size=256
// Node.js version check and V8 flags: require-node.js.
await import('./require-node.js');
await import('../dist/cli/main.js');
