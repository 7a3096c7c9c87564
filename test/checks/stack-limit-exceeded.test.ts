// StackLimitExceeded: the per-stack CloudFormation limits (lib/checks/stack-limits.ts) at their edges, with the whole
// message. A group of its own in mutation testing: these stacks are big, so they run only for mutants of the limits.
import * as fs from 'fs';
import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { PodIdentityBoundWorkload, PodIdentityErrors, PodIdentityRole } from '../../lib';
import { setStackLimitFix } from '../../lib/checks/stack-limits';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  return { app, stack, cluster };
}

describe('StackLimitExceeded', () => {
  function stackWith(padding: number, workloads: number, env?: Record<string, string>, paddingBytes = 0) {
    const { app, stack, cluster } = setup();
    for (let i = 0; i < padding; i++) {
      new CfnResource(stack, `Pad${i}`, { type: 'AWS::SNS::Topic', properties: paddingBytes ? { DisplayName: 'p'.repeat(paddingBytes) } : undefined });
    }
    for (let i = 0; i < workloads; i++) {
      new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1', env });
    }
    return () => app.synth();
  }

  test('501 resources: how many workloads fit beside the others', () => {
    // Each workload: role, association, manifest; plus the agent add-on.
    expect(stackWith(490, 4)).toThrow('[cdk-eks-pod-identity:StackLimitExceeded] stack Stack would have 503 resources and CloudFormation allows 500; its 4 Pod Identity workloads/associations add 12 (about 3 each), so at most 3 fit beside the stack\'s other 491 resources. '
      + 'Fix: split the workloads across stacks of at most 3 (e.g. a WorkloadFleet, or one stack per team or namespace, all importing the same cluster)');
  });

  test('associations outside workloads count as units of their own; another stack\'s do not count', () => {
    const { app, stack, cluster } = setup();
    for (let i = 0; i < 494; i++) new CfnResource(stack, `Pad${i}`, { type: 'AWS::SNS::Topic' });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'team', image: 'app:1' });
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(cluster, { namespace: 'team', serviceAccount: 'a' });
    role.associate(cluster, { namespace: 'team', serviceAccount: 'b' });
    const other = new Stack(app, 'Other', { env: ENV });
    new PodIdentityBoundWorkload(other, 'W', { cluster: importedEksV2Cluster(other, 'Cluster', 'staging'), namespace: 'team', image: 'app:1' });
    // 494 topics, the add-on, the workload's role, association and manifest, the shared role and its 2 associations.
    expect(() => app.synth()).toThrow('stack Stack would have 501 resources and CloudFormation allows 500; its 3 Pod Identity workloads/associations add 5 (about 2 each), so at most 2 fit beside the stack\'s other 496 resources');
  });

  test('500 resources synthesize', () => {
    expect(stackWith(487, 4)).not.toThrow();
  });

  test('the resources of a nested stack are in its own template: only the nested stack resource counts', () => {
    const { app, stack, cluster } = setup();
    for (let i = 0; i < 486; i++) new CfnResource(stack, `Pad${i}`, { type: 'AWS::SNS::Topic' });
    for (let i = 0; i < 4; i++) new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1' });
    const nested = new NestedStack(stack, 'Nested');
    for (let i = 0; i < 10; i++) new CfnResource(nested, `Topic${i}`, { type: 'AWS::SNS::Topic' });
    expect(() => app.synth()).not.toThrow();
  });

  test('a fix set for the stack (e.g. a fleet\'s advice) replaces the default, with how many fit', () => {
    const { app, stack, cluster } = setup();
    setStackLimitFix(stack, 'move {fit} workloads to each new fleet stack');
    for (let i = 0; i < 490; i++) new CfnResource(stack, `Pad${i}`, { type: 'AWS::SNS::Topic' });
    for (let i = 0; i < 4; i++) new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1' });
    expect(() => app.synth()).toThrow(/so at most 3 fit beside the stack's other 491 resources\. Fix: move 3 workloads to each new fleet stack$/);
  });

  test('more than 1 MB: how many workloads fit', () => {
    expect(stackWith(40, 12, { BIG: 'x'.repeat(100_000) })).toThrow(/\[cdk-eks-pod-identity:StackLimitExceeded\] stack Stack would have a \d+-byte template and CloudFormation accepts 1048576; its 12 Pod Identity workloads\/associations take \d+ bytes \(about \d+ each\), so at most 10 fit. Fix: split the workloads across stacks of at most 10, or shrink what each renders \(long env values, large session policies\)$/);
  });

  test('the bytes of the other resources are not counted as the workloads\' and limit what fits', () => {
    let message = '';
    try {
      stackWith(40, 12, { BIG: 'x'.repeat(100_000) }, 5_000)();
    } catch (e) {
      message = (e as Error).message;
    }
    const [, size, units, ourBytes, perUnit, fit] = message.match(/a (\d+)-byte template .* its (\d+) Pod Identity workloads\/associations take (\d+) bytes \(about (\d+) each\), so at most (\d+) fit/)!.map(Number);
    expect(units).toBe(12);
    expect(size - ourBytes).toBeGreaterThan(40 * 5_000);
    expect(perUnit).toBe(Math.ceil(ourBytes / 12));
    expect(fit).toBe(Math.floor((1024 * 1024 - (size - ourBytes)) / perUnit));
    expect(fit).toBeLessThan(10);
  });

  test('a template of exactly 1 MB synthesizes; one byte more fails', () => {
    const templateSize = (synth: () => ReturnType<App['synth']>) => fs.statSync(synth().getStackByName('Stack').templateFullPath).size;
    // One workload and a topic whose name pads the template: each character of it is one byte of the template.
    const padding = 1000 + 1024 * 1024 - templateSize(stackWith(1, 1, undefined, 1000));
    expect(templateSize(stackWith(1, 1, undefined, padding))).toBe(1024 * 1024);
    expect(stackWith(1, 1, undefined, padding + 1)).toThrow(/StackLimitExceeded\] stack Stack would have a 1048577-byte template and CloudFormation accepts 1048576; its 1 Pod Identity workloads\/associations take \d+ bytes/);
  });

  test('every stack over 1 MB is named, one line each, in one StackLimitExceeded error', () => {
    const app = new App();
    for (const name of ['Blue', 'Green']) {
      const stack = new Stack(app, name, { env: ENV });
      const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
      for (let i = 0; i < 12; i++) {
        new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1', env: { BIG: 'x'.repeat(100_000) } });
      }
    }
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(PodIdentityErrors.problemIdOf(error)).toBe('StackLimitExceeded');
    expect((error as Error).message.split('\n').map(line => line.replace(/ would have .*/, ''))).toEqual([
      '[cdk-eks-pod-identity:StackLimitExceeded] stack Blue',
      '[cdk-eks-pod-identity:StackLimitExceeded] stack Green',
    ]);
  });

  test('the size is read from the written template at any resource count; under 1 MB is fine', () => {
    expect(stackWith(0, 12, { BIG: 'x'.repeat(100_000) })).toThrow(/StackLimitExceeded\] stack Stack would have a \d+-byte template/);
    expect(stackWith(40, 8, { BIG: 'x'.repeat(100_000) })).not.toThrow();
  });

  test('more resources than CloudFormation allows: says how many workloads fit', () => {
    const { app, stack, cluster } = setup();
    // Each workload adds its role, association and manifest; the agent add-on is the stack's one other resource.
    for (let i = 0; i < 170; i++) {
      new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1' });
    }
    expect(() => app.synth()).toThrow(/\[cdk-eks-pod-identity:StackLimitExceeded\] stack Stack would have 511 resources and CloudFormation allows 500; its 170 Pod Identity workloads\/associations add 510 \(about 3 each\), so at most 166 fit/);
  });

  test('a template over 1 MB: says how many workloads fit', () => {
    const { app, stack, cluster } = setup();
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 60; i++) {
      new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1', env: { BIG: big } });
    }
    expect(() => app.synth()).toThrow(/\[cdk-eks-pod-identity:StackLimitExceeded\] stack Stack would have a \d+-byte template and CloudFormation accepts 1048576; .* so at most 44 fit/);
  });

  test('a stack under the limits synthesizes', () => {
    const { app, stack, cluster } = setup();
    for (let i = 0; i < 100; i++) {
      new PodIdentityBoundWorkload(stack, `W${i}`, { cluster, namespace: 'team', createNamespace: i === 0, image: 'app:1' });
    }
    expect(() => app.synth()).not.toThrow();
  });
});
