// Node-RED loads this file (package.json "node-red".nodes) and the editor
// template from the sibling twin.html; the node is TypeScript compiled from
// ../src/twin-node.ts by `npm run build`.
module.exports = require('../dist/twin-node.js');
