// Node-RED loads this file (package.json "node-red".nodes) and the editor
// template from the sibling alarm.html; the node is TypeScript compiled from
// ../src/alarm-node.ts by `npm run build`.
module.exports = require('../dist/alarm-node.js');
