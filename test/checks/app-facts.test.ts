// AppFacts: the trust statements the checks read, resolved only where the parts read hold tokens.
import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityRole } from '../../lib';
import { AppFacts } from '../../lib/checks/app-facts';
import { Registry } from '../../lib/private/registry';
import { setup } from '../helpers/trust-checks';

describe('AppFacts: the trust statements the checks read', () => {
  test('as rendered, nothing resolved when the parts read are literals (condition values stay as rendered)', () => {
    const { app, stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true });
    role.associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
    const facts = new AppFacts(app, Registry.of(app));
    const resolve = jest.spyOn(Stack.prototype, 'resolve');
    try {
      const [statement] = facts.trustStatementsOf(role)!;
      expect(resolve).not.toHaveBeenCalled();
      expect([statement.Effect, statement.Action, statement.Principal]).toEqual(['Allow', ['sts:AssumeRole', 'sts:TagSession'], { Service: 'pods.eks.amazonaws.com' }]);
      expect(Object.keys(statement.Condition!.StringEquals)).toEqual(['aws:RequestTag/eks-cluster-arn', 'aws:RequestTag/kubernetes-namespace', 'aws:RequestTag/kubernetes-service-account']);
      expect(Token.isUnresolved(statement.Condition!.StringEquals['aws:RequestTag/eks-cluster-arn'])).toBe(true);
    } finally {
      resolve.mockRestore();
    }
  });

  test('tokens in the action, the principal (a string or an object) and the condition keys are resolved', () => {
    const { app, stack } = setup();
    const lazyService = new (class extends iam.PrincipalBase {
      public readonly policyFragment = new iam.PrincipalPolicyFragment({ Service: ['ec2.amazonaws.com', Lazy.any({ produce: () => 'pods.eks.amazonaws.com' }) as any] });
      public dedupeString(): string | undefined {
        return undefined;
      }
    })();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const byLazy = new iam.Role(stack, 'ByLazy', { assumedBy: lazyService });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
      actions: [Lazy.string({ produce: () => 'sts:TagSession' })],
      conditions: {
        Bool: { 'aws:SecureTransport': 'true' },
        StringEquals: { 'aws:RequestTag/env': 'prod', [Lazy.string({ produce: () => 'aws:RequestTag/team' })]: 'shop' },
      },
    }));
    const facts = new AppFacts(app, Registry.of(app));
    expect(facts.trustStatementsOf(role)!.map(s => [s.Action, s.Principal, s.Condition])).toEqual([
      ['sts:AssumeRole', { Service: 'pods.eks.amazonaws.com' }, undefined],
      ['sts:TagSession', { Service: 'pods.eks.amazonaws.com' }, { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:RequestTag/env': 'prod', 'aws:RequestTag/team': 'shop' } }],
    ]);
    expect(facts.trustStatementsOf(byLazy)!.map(s => s.Principal)).toEqual([{ Service: ['ec2.amazonaws.com', 'pods.eks.amazonaws.com'] }]);
  });
});
