// DuplicateAssociation: the whole message, and the near misses it must not report.
import { App, CfnParameter, Lazy, Stack } from 'aws-cdk-lib';
import { messagesOf, withId } from './helpers';
import { PodIdentityRole } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
import { prodClusterStack } from '../helpers/errors';
import { errorsOf, expectAnnotation } from '../helpers/stack-messages';

describe('DuplicateAssociation', () => {
  test('the same service account associated in two stacks: one error on the second, naming both paths', () => {
    const app = new App();
    for (const team of ['TeamA', 'TeamB']) {
      const stack = new Stack(app, team, { env: ENV });
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    }
    expect(withId(messagesOf(app), 'DuplicateAssociation')).toEqual([{
      level: 'error',
      path: '/TeamB/Role/Association0',
      text: '[cdk-eks-pod-identity:DuplicateAssociation] service account carts/carts on cluster "prod" is associated twice, at TeamA/Role/Association0 and at TeamB/Role/Association0; EKS allows one role per service account. '
        + 'Fix: keep one association (give its role all the permissions the pods need), or run the second workload under another service account',
    }]);
  });

  test('another namespace, service account or cluster, or unresolved names, are not duplicates', () => {
    const app = new App();
    const options = [
      { namespace: 'carts', serviceAccount: 'carts', cluster: 'prod' },
      { namespace: 'orders', serviceAccount: 'carts', cluster: 'prod' },
      { namespace: 'carts', serviceAccount: 'orders', cluster: 'prod' },
      { namespace: 'carts', serviceAccount: 'carts', cluster: 'staging' },
    ];
    options.forEach((o, i) => {
      const stack = new Stack(app, `S${i}`, { env: ENV });
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', o.cluster), { namespace: o.namespace, serviceAccount: o.serviceAccount });
    });
    for (const name of ['P1', 'P2']) {
      const stack = new Stack(app, name, { env: ENV });
      const parameter = new CfnParameter(stack, 'Name').valueAsString;
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace: parameter, serviceAccount: 'sa' });
      new PodIdentityRole(stack, 'Role2').associate(importedEksV2Cluster(stack, 'Cluster2', 'prod'), { namespace: 'ns', serviceAccount: parameter });
    }
    expect(withId(messagesOf(app), 'DuplicateAssociation')).toEqual([]);
  });

  test('one unresolved namespace shared by two stacks is not compared (its value is unknown)', () => {
    const app = new App();
    const namespace = Lazy.string({ produce: () => 'carts' });
    for (const team of ['TeamA', 'TeamB']) {
      const stack = new Stack(app, team, { env: ENV });
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack, 'Cluster', 'prod'), { namespace, serviceAccount: 'carts' });
    }
    expect(withId(messagesOf(app), 'DuplicateAssociation')).toEqual([]);
  });

  test('the same service account associated in two stacks names both paths', () => {
    const app = new App();
    const a = new Stack(app, 'TeamA', { env: ENV });
    const b = new Stack(app, 'TeamB', { env: ENV });
    new PodIdentityRole(a, 'Role').associate(importedEksV2Cluster(a, 'Cluster', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    new PodIdentityRole(b, 'Role').associate(importedEksV2Cluster(b, 'Cluster', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    app.synth();
    expectAnnotation(errorsOf(b), 'DuplicateAssociation', 'TeamA/Role/Association0 and at TeamB/Role/Association0');
    expect(errorsOf(a)).toEqual([]);
  });

  test('different clusters with the same namespace and service account are fine', () => {
    const { app, stack } = prodClusterStack();
    const role = new PodIdentityRole(stack, 'Role');
    role.associate(importedEksV2Cluster(stack, 'Prod', 'prod'), { namespace: 'carts', serviceAccount: 'carts' });
    role.associate(importedEksV2Cluster(stack, 'Staging', 'staging'), { namespace: 'carts', serviceAccount: 'carts' });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });
});
