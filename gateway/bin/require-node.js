// Refuses a Node.js older than the engines floor in one line, before anything
// loads better-sqlite3 (13.x crashes on Node 20). Imported first by both
// lifeline-gateway bins (gateway/bin and demo/bin).
//
// Their shebang's V8 flags are the gateway's memory settings (docs/BENCHMARKS.md
// "V8 settings": a 1 MB young generation and a 256 MB old-space limit take a
// 10k-point gateway from ~380 to ~220 MB RSS). `node a-bin` ignores a shebang,
// so deploy/systemd and the Dockerfile set the same flags in NODE_OPTIONS; a
// site above ~25k points raises the limit there.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  process.stderr.write(`lifeline-gateway needs Node.js 22.13 or newer; this is Node.js ${process.versions.node}\n`);
  process.exit(1);
}
