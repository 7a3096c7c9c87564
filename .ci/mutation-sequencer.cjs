// Jest test sequencer for mutation runs (.ci/mutation.mjs). Stryker runs a mutant with jest's testNamePattern set
// to the tests that cover it, but still hands jest every test file of the group: jest then loads each file (and
// aws-cdk-lib with it) only to skip all its tests. This drops the files none of whose tests match the pattern,
// using the test names per file that .ci/mutation.mjs collected before the run (MUTATION_TEST_NAMES). Without a
// pattern (dry run, static mutants) or when no file matches, every file runs, as without this sequencer. Files run in
// the order the group lists them (MUTATION_TEST_ORDER), so a group puts first the short file that kills most of its
// static mutants (.ci/mutation-runner.cjs stops after the kill).
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const namesFile = process.env.MUTATION_TEST_NAMES;
const namesByFile = namesFile && fs.existsSync(namesFile) ? JSON.parse(fs.readFileSync(namesFile, 'utf8')) : undefined;
const order = process.env.MUTATION_TEST_ORDER ? JSON.parse(process.env.MUTATION_TEST_ORDER) : [];
const rank = test => {
  const index = order.indexOf(path.relative(test.context.config.rootDir, test.path));
  return index === -1 ? order.length : index;
};

class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.testNamePattern = options && options.globalConfig ? options.globalConfig.testNamePattern : undefined;
  }

  sort(tests) {
    const sorted = Promise.resolve(super.sort(tests)).then(all => [...all].sort((a, b) => rank(a) - rank(b)));
    if (!this.testNamePattern || !namesByFile) return sorted;
    // The same flags jest-circus uses for testNamePattern.
    const pattern = new RegExp(this.testNamePattern, 'i');
    const needed = tests => tests.filter(test => {
      const names = namesByFile[path.relative(test.context.config.rootDir, test.path)];
      return names === undefined || names.some(name => pattern.test(name));
    });
    return sorted.then(all => {
      const kept = needed(all);
      return kept.length > 0 ? kept : all;
    });
  }
}

module.exports = MutationSequencer;
