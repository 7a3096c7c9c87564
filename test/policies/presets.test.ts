// Every preset: its scoping shows in the template (only the given zones, buckets, keys, queues, tags), and the IAM
// simulation judge allows one action the software needs and denies the same action out of scope.
import { CASES } from './cases';
import { roleWith } from './helpers';
import { WellKnownPolicy } from '../../lib';
import { assertPodMay, assertPodMayNot } from '../judges/iam-simulation';

describe.each(Object.entries(CASES))('WellKnownPolicy.%s', (factory, preset) => {
  const fixture = roleWith(preset.build);

  test('runs as its conventional namespace and service account', () => {
    expect([fixture.policy.namespace, fixture.policy.serviceAccount]).toEqual([preset.namespace, preset.serviceAccount]);
    expect(factory.toLowerCase()).toBe(fixture.policy.name.toLowerCase());
  });

  test('is scoped in the template', () => preset.scope(fixture));

  test('the judge allows what the software needs and denies it out of scope', async () => {
    await assertPodMay(fixture.judge, fixture.role, preset.allowed.action, preset.allowed.resource, { context: preset.allowed.context });
    await assertPodMayNot(fixture.judge, fixture.role, preset.denied.action, preset.denied.resource, { context: preset.denied.context });
  });
});

test('every factory of WellKnownPolicy has a case here', () => {
  const factories = Object.getOwnPropertyNames(WellKnownPolicy).filter(name => typeof (WellKnownPolicy as any)[name] === 'function');
  expect(factories.sort()).toEqual(Object.keys(CASES).sort());
});
