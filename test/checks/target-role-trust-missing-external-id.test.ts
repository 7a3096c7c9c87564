// TargetRoleTrustMissingExternalId, for target roles made by hand with session tags off: the whole message, and the trusts that are complete.
import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityRole } from '../../lib';
import { importedEksV2Cluster } from '../helpers/clusters';
import { ACCOUNT, assumeBy, chain, messagesWithId, setup } from '../helpers/trust-checks';

describe('TargetRoleTrustMissingExternalId', () => {
  test('TargetRoleTrustMissingExternalId: session tags off, no sts:ExternalId condition, with the value to require', () => {
    expect(chain([assumeBy('sts:AssumeRole', 'sts:TagSession')], true)).toEqual({
      tagSession: [],
      externalId: ['[cdk-eks-pod-identity:TargetRoleTrustMissingExternalId] target role Stack/Target of the association for ns/sa lets AWS principals assume it without an sts:ExternalId condition '
        + 'while the association sets disableSessionTags: true, so nothing ties the trust to this (cluster, namespace, service account). '
        + 'Fix: add StringEquals { "sts:ExternalId": "us-east-1/111111111111/prod/ns/sa" } to the trust statement, or use a PodIdentityTargetRole'],
    });
  });

  test('an external id that is unknown at synth (a cluster name parameter) is named, not printed', () => {
    const { app, stack } = setup();
    const cluster = importedEksV2Cluster(stack, 'Named', new CfnParameter(stack, 'ClusterName').valueAsString);
    const target = new iam.Role(stack, 'Target', { assumedBy: new iam.AccountPrincipal(ACCOUNT) });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target, disableSessionTags: true });
    expect(messagesWithId(app, 'TargetRoleTrustMissingExternalId')).toEqual([
      expect.stringMatching(/Fix: add StringEquals \{ "sts:ExternalId": association\.externalId \} to the trust statement, or use a PodIdentityTargetRole$/),
    ]);
  });

  test('sts:* and * allow sts:AssumeRole as well: with session tags off, the external id is still required', () => {
    expect(chain([assumeBy('sts:*')], true).externalId).toHaveLength(1);
    expect(chain([assumeBy('*')], true).externalId).toHaveLength(1);
  });

  test('session tags off: one statement requiring the external id is enough; session tags on: none is needed', () => {
    const withExternalId = assumeBy('sts:AssumeRole');
    withExternalId.addCondition('StringEquals', { 'sts:ExternalId': 'us-east-1/111111111111/prod/ns/sa' });
    expect(chain([assumeBy('sts:AssumeRole'), withExternalId], true)).toEqual({ tagSession: [], externalId: [] });
    expect(chain([assumeBy('sts:AssumeRole', 'sts:TagSession')], false)).toEqual({ tagSession: [], externalId: [] });
  });
});
