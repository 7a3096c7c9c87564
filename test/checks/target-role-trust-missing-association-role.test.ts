// TargetRoleTrustMissingAssociationRole, for target roles made by hand: the whole message; imported target roles are not checked.
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityRole } from '../../lib';
import { ACCOUNT, assumeBy, chain, messagesWithId, setup } from '../helpers/trust-checks';

describe('TargetRoleTrustMissingAssociationRole', () => {
  test('a trust that lets no AWS principal assume the role is reported as such, not as a partial trust', () => {
    const notAction = new iam.PolicyStatement({ principals: [new iam.AccountPrincipal(ACCOUNT)], notActions: ['sts:AssumeRole'] });
    expect(chain([assumeBy('sts:TagSession'), notAction])).toEqual({ tagSession: [], externalId: [] });
    expect(chain([assumeBy('sts:TagSession'), notAction], true)).toEqual({ tagSession: [], externalId: [] });
    const { app, stack, cluster } = setup();
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target });
    expect(messagesWithId(app, 'TargetRoleTrustMissingAssociationRole')).toEqual([
      '[cdk-eks-pod-identity:TargetRoleTrustMissingAssociationRole] target role Stack/Target of the association for ns/sa does not let the association role Stack/Role assume it '
      + '(no Allow statement for sts:AssumeRole names that role\'s ARN or its account as AWS principal; it trusts no AWS principal for sts:AssumeRole at all), '
      + 'so EKS\'s chained AssumeRole is denied and the pods get no credentials. '
      + 'Fix: trust the association role: Principal { AWS: <its ARN> } (or its account root, narrowed by aws:PrincipalArn) for sts:AssumeRole (and sts:TagSession with session tags), or use a PodIdentityTargetRole, which generates the trust',
    ]);
  });

  test('an imported target role is not checked: its trust is not in the app', () => {
    const { app, stack, cluster } = setup();
    const target = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/data');
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target, disableSessionTags: true });
    const messages = app.synth().stacks.flatMap(s => s.messages.map(m => String(m.entry.data)));
    expect(messages.filter(m => /TargetRoleTrust|TrustPolicyTooLong/.test(m))).toEqual([]);
  });
});
