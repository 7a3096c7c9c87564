// Jest test runner for mutation runs (.ci/mutation.mjs): runs the test files of a mutant one after the other and
// stops at the first file after the mutant is killed (.ci/mutation-environment.cjs records the kill). The environment
// alone skips the tests after the kill, but every later file is still loaded, and a static mutant (one in module-level
// code, such as a preset's action table) runs every test file of the group. The dry run (no active mutant) runs
// every file.
const TestRunner = require('jest-runner').default;

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
const KILLED = Symbol.for('cdk-eks-pod-identity.mutation.killed');

class MutationRunner extends TestRunner {
  async runTests(tests, watcher, options) {
    if (!options.serial || process.env[ACTIVE_MUTANT] === undefined) return super.runTests(tests, watcher, options);
    for (const test of tests) {
      if (globalThis[KILLED] === process.env[ACTIVE_MUTANT]) return;
      await super.runTests([test], watcher, options);
    }
  }
}

module.exports = MutationRunner;
