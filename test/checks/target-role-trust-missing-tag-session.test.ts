// TargetRoleTrustMissingTagSession, for target roles made by hand: the whole message, and the trusts that are complete.
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, assumeBy, chain } from '../helpers/trust-checks';

describe('TargetRoleTrustMissingTagSession', () => {
  test('TargetRoleTrustMissingTagSession: session tags on, sts:AssumeRole without sts:TagSession', () => {
    expect(chain([assumeBy('sts:AssumeRole')])).toEqual({
      tagSession: ['[cdk-eks-pod-identity:TargetRoleTrustMissingTagSession] target role Stack/Target of the association for ns/sa trusts AWS principals for sts:AssumeRole but not sts:TagSession, '
        + 'and the association passes its session tags on (they are transitive), so STS denies the chained AssumeRole. '
        + 'Fix: add sts:TagSession to the trust statement (or use a PodIdentityTargetRole, which generates the trust), or set disableSessionTags: true and require the external id'],
      externalId: [],
    });
  });

  test.each([
    ['both actions in one statement', [assumeBy('sts:TagSession', 'sts:AssumeRole')]],
    ['both actions in two statements', [assumeBy('sts:AssumeRole'), assumeBy('sts:TagSession')]],
    ['sts:*', [assumeBy('sts:*')]],
    ['*', [assumeBy('*')]],
  ])('session tags on: %s is a complete trust', (_, statements) => {
    expect(chain(statements)).toEqual({ tagSession: [], externalId: [] });
  });

  test('only Allow statements with AWS principals count towards sts:TagSession', () => {
    const denied = new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AccountPrincipal(ACCOUNT)], actions: ['sts:TagSession'] });
    const service = new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('ec2.amazonaws.com')], actions: ['sts:TagSession'] });
    const notPrincipal = new iam.PolicyStatement({ notPrincipals: [new iam.AccountPrincipal('222222222222')], actions: ['sts:TagSession'] });
    expect(chain([assumeBy('sts:AssumeRole'), denied, service, notPrincipal]).tagSession).toHaveLength(1);
  });
});
