// CrossAccountRole: the whole message, and the accounts it must not compare.
import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityAssociation, PodIdentityRole } from '../../lib';
import { prodClusterStack } from '../helpers/errors';
import { errorsOf } from '../helpers/stack-messages';

describe('CrossAccountRole', () => {
  test('an association role in another account', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAssociation(stack, 'A', { cluster, role: iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/carts'), namespace: 'default', serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'CrossAccountRole')).toEqual([{
      level: 'error',
      path: '/Stack/A',
      text: '[cdk-eks-pod-identity:CrossAccountRole] role Stack/Other is in account 222222222222 but cluster "prod" is in account 111111111111; EKS requires the association role in the cluster\'s account. '
        + 'Fix: associate a role in the cluster\'s account and pass the other account\'s role as targetRole (role chaining); the target role must trust the association role',
    }]);
  });

  test('unknown accounts are not compared', () => {
    const { app, stack, cluster } = setup({});
    new PodIdentityAssociation(stack, 'A', { cluster, role: iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/carts'), namespace: 'default', serviceAccount: 'app' });
    const other = setup();
    const unknownArn = new CfnParameter(other.stack, 'RoleArn').valueAsString;
    new PodIdentityAssociation(other.stack, 'A', { cluster: other.cluster, role: iam.Role.fromRoleArn(other.stack, 'Unknown', unknownArn), namespace: 'default', serviceAccount: 'app' });
    expect(withId(messagesOf(app), 'CrossAccountRole')).toEqual([]);
    expect(withId(messagesOf(other.app), 'CrossAccountRole')).toEqual([]);
  });

  test('a target role in another account is the supported way', () => {
    const { app, stack, cluster } = prodClusterStack();
    const target = iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::222222222222:role/carts');
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'default', serviceAccount: 'app', targetRole: target });
    app.synth();
    expect(errorsOf(stack)).toEqual([]);
  });
});
