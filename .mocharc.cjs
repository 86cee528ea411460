// One test command for every suite: unit, integration (real servers), e2e.
// TypeScript runs through tsx; workspace packages resolve to their sources.
module.exports = {
  'node-option': ['import=tsx', 'conditions=lifeline-source'],
  spec: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
  reporter: 'test/support/summary-reporter.cjs',
  timeout: 20000,
  // A leaked handle must not hang CI: every test cleans up, and mocha exits regardless.
  exit: true,
};
