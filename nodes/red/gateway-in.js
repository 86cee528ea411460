// Node-RED loads this file (package.json "node-red".nodes) and the editor
// template from the sibling gateway-in.html; the node is TypeScript compiled from
// ../src/gateway-in-node.ts by `npm run build`.
module.exports = require('../dist/gateway-in-node.js');
