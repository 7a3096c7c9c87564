// Jest test environment for mutation runs (.ci/mutation.mjs): once a test fails under a mutant, the mutant is
// killed, so the tests after it are skipped, in this file and the next ones of the same run. Stryker does this by
// default (its `disableBail` option) but cannot tell jest to; without it every covering test of a killed mutant runs.
// The dry run (no active mutant) runs every test.
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
// Process state, read by .ci/mutation-runner.cjs too: Stryker runs jest in band, so the test files of one mutant share it.
const KILLED = Symbol.for('cdk-eks-pod-identity.mutation.killed');

class MutationEnvironment extends NodeEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_done' && event.test.errors.length > 0) globalThis[KILLED] = mutant;
    if (event.name === 'test_start' && globalThis[KILLED] === mutant) event.test.mode = 'skip';
  }
}

module.exports = MutationEnvironment;
