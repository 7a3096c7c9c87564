// The exact permissions of every preset, as reviewed against upstream's policies: a change to any action, resource,
// condition or managed policy shows in test/policies/__snapshots__/statements.test.ts.snap and must be reviewed
// there. Each preset is built inside its own test (not when the file loads), so this file stays short to run; the
// presets' behaviour (scoping, the IAM simulation judge) is in presets.test.ts.
import { CASES } from './cases';
import { awsManagedPolicyNames, presetStatements, roleWith } from './helpers';

test.each(Object.entries(CASES))('WellKnownPolicy.%s: its statements and managed policies, pinned', (_factory, preset) => {
  const fixture = roleWith(preset.build);
  const documents = fixture.template.findResources('AWS::IAM::ManagedPolicy');
  expect({
    namespace: fixture.policy.namespace,
    serviceAccount: fixture.policy.serviceAccount,
    statements: Object.keys(documents).length === 0 ? [] : presetStatements(fixture),
    awsManagedPolicies: awsManagedPolicyNames(fixture),
  }).toMatchSnapshot();
});
