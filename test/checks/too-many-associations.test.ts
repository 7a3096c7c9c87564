// TooManyAssociations, with the per-cluster limit lowered to 2 so the check can be tested at its edge in small apps
// (test/cross-construct.test.ts checks the real limit of 5,000 once, with 5,005 associations across 11 stacks).
import { App, Stack } from 'aws-cdk-lib';
import { PodIdentityRole } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';

jest.mock('../../lib/private/eks-facts', () => ({ ...jest.requireActual('../../lib/private/eks-facts'), MAX_ASSOCIATIONS_PER_CLUSTER: 2 }));

function errorsOf(app: App): Array<[string, string]> {
  return app.synth().stacks.flatMap(stack => stack.messages)
    .filter(m => String(m.entry.data).includes('TooManyAssociations'))
    .map(m => [m.id, String(m.entry.data)]);
}

function associate(counts: Record<string, number>): App {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const role = PodIdentityRole.fromPodIdentityRoleArn(stack, 'Role', 'arn:aws:iam::111111111111:role/shared');
  for (const [clusterName, count] of Object.entries(counts)) {
    const cluster = importedEksV2Cluster(stack, clusterName, clusterName);
    for (let i = 0; i < count; i++) role.associate(cluster, { namespace: 'default', serviceAccount: `${clusterName}-${i}` });
  }
  return app;
}

test('one association over the limit: an error on the first one over, with the count and the limit', () => {
  expect(errorsOf(associate({ prod: 3, staging: 2 }))).toEqual([[
    '/Stack/Role/Association2',
    '[cdk-eks-pod-identity:TooManyAssociations] cluster "prod" has 3 Pod Identity associations in this app; EKS allows 2 per cluster. '
      + 'Fix: share roles between service accounts of the same team, or spread the workloads over more clusters',
  ]]);
});

test('at the limit on every cluster: no error', () => {
  expect(errorsOf(associate({ prod: 2, staging: 2 }))).toEqual([]);
});
