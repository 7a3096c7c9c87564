// SessionTagConditionsWithoutSessionTags: the whole message, and the near misses it must not report.
import * as iam from 'aws-cdk-lib/aws-iam';
import { messagesOf, setup, withId } from './helpers';
import { PodIdentityRole } from '../../lib';
import { prodClusterStack } from '../helpers/errors';
import { errorsOf, expectAnnotation } from '../helpers/stack-messages';

describe('SessionTagConditionsWithoutSessionTags', () => {
  function associate(conditions: Record<string, Record<string, unknown>>, disableSessionTags: boolean) {
    const { app, stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole', 'sts:TagSession'], principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')], conditions,
    }));
    role.associate(cluster, { namespace: 'default', serviceAccount: 'app', disableSessionTags });
    return withId(messagesOf(app), 'SessionTagConditionsWithoutSessionTags');
  }

  test('tag conditions with session tags off: every tag key named', () => {
    expect(associate({
      'StringEquals': { 'aws:RequestTag/kubernetes-namespace': 'default', 'aws:SourceAccount': '111111111111' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] },
    }, true)).toEqual([{
      level: 'error',
      path: '/Stack/Role/Association0',
      text: '[cdk-eks-pod-identity:SessionTagConditionsWithoutSessionTags] role Stack/Role trusts pods only with session-tag conditions (aws:RequestTag/kubernetes-namespace, aws:TagKeys) but the association at Stack/Role/Association0 sets disableSessionTags: true, so no tags are sent and the role can never be assumed. '
        + 'Fix: remove those trust conditions, or keep session tags on (disableSessionTags: false)',
    }]);
  });

  test('no tag conditions, or session tags on, are fine', () => {
    expect(associate({ StringEquals: { 'aws:SourceAccount': '111111111111', 'aws:PrincipalTag/x': 'y' } }, true)).toEqual([]);
    expect(associate({ StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'default' } }, false)).toEqual([]);
  });

  test('session-tag trust conditions with session tags turned off', () => {
    const { app, stack, cluster } = prodClusterStack();
    const role = new PodIdentityRole(stack, 'Role');
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
      conditions: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'carts' } },
    }));
    role.associate(cluster, { namespace: 'carts', serviceAccount: 'carts', disableSessionTags: true });
    app.synth();
    expectAnnotation(errorsOf(stack), 'SessionTagConditionsWithoutSessionTags', 'aws:RequestTag/kubernetes-namespace');
  });
});
