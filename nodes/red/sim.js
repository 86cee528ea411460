// Node-RED loads this file (package.json "node-red".nodes) and the editor
// template from the sibling sim.html; the node is TypeScript compiled from
// ../src/sim-node.ts by `npm run build`.
module.exports = require('../dist/sim-node.js');
