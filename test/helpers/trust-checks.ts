// What the tests of the trust-policy checks share (TargetRoleTrust*, TrustPolicyTooLong, UnscopedWorkloadRole, the
// trust statements AppFacts reads): small apps on an imported cluster, so that mutation testing (`npx projen
// mutation`) can run them for every mutant of these checks; trust.test.ts holds the end-to-end cases (IAM simulation
// of the chains).
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { importedEksV2Cluster } from './clusters';
import { PodIdentityRole } from '../../lib';

export const ACCOUNT = '111111111111';
export const ENV = { account: ACCOUNT, region: 'us-east-1' };

export function setup(clusterName = 'prod') {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = importedEksV2Cluster(stack, 'Cluster', clusterName);
  return { app, stack, cluster };
}

/** The messages of one problem id, after synthesis. */
export function messagesWithId(app: App, id: string): string[] {
  return app.synth().stacks.flatMap(stack => stack.messages.map(m => String(m.entry.data)))
    .filter(text => text.startsWith(`[cdk-eks-pod-identity:${id}]`));
}

// A literal principal ARN: the trust policies here have no tokens, so their length is known exactly.
export const PRINCIPAL = new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:root`);
export const assumeBy = (...actions: string[]) => new iam.PolicyStatement({ principals: [PRINCIPAL], actions });

/** An association with a hand-made target role whose trust policy holds exactly `statements`. */
export function chainApp(statements: iam.PolicyStatement[], disableSessionTags = false, clusterName = 'prod') {
  const { app, stack, cluster } = setup(clusterName);
  const target = new iam.Role(stack, 'Target', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  // Replace the generated statement: only the ones given count.
  (target.assumeRolePolicy as any).statements.splice(0);
  target.assumeRolePolicy!.addStatements(...statements);
  new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: !disableSessionTags })
    .associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target, disableSessionTags });
  return app;
}
export const messagesWithIdOf = (build: () => App, id: string) => messagesWithId(build(), id);
export function chain(statements: iam.PolicyStatement[], disableSessionTags = false, clusterName = 'prod') {
  const app = chainApp(statements, disableSessionTags, clusterName);
  return {
    tagSession: messagesWithId(app, 'TargetRoleTrustMissingTagSession'),
    externalId: messagesWithId(app, 'TargetRoleTrustMissingExternalId'),
  };
}
