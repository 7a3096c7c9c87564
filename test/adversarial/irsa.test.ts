// Moving off IRSA, role chaining and session policies: each row an app and the exact outcome. During the migration
// the pods use IRSA, so the role must trust the cluster's OIDC provider for exactly their service account, and
// IRSA must give them what Pod Identity would.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AdversarialRow, adversarialTable } from './harness';
import { PodIdentityAssociationSettings, PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ACCOUNT, ENV, importedEksV2Cluster, importedEksV2ClusterWithOidc, REGION } from '../helpers/clusters';

const ISSUER = `oidc.eks.${REGION}.amazonaws.com/id/EXAMPLE`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const SUB = 'system:serviceaccount:carts:carts';

/** A migrating (or not) workload `carts/carts` on an imported cluster with its OIDC provider. */
function migrating(options: {
  role?: (stack: Stack) => iam.IRole;
  migratingFromIrsa?: boolean;
  associationSettings?: (stack: Stack) => PodIdentityAssociationSettings;
} = {}): App {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const cluster = importedEksV2ClusterWithOidc(stack);
  new PodIdentityBoundWorkload(stack, 'Carts', {
    cluster,
    namespace: 'carts',
    serviceAccountName: 'carts',
    image: 'cart:1',
    migratingFromIrsa: options.migratingFromIrsa ?? true,
    role: options.role?.(stack),
    associationSettings: options.associationSettings?.(stack),
  });
  return app;
}

/** A plain iam.Role trusting Pod Identity and, if given, the OIDC provider with these conditions. */
function plainRole(irsaConditions?: Record<string, Record<string, unknown>>, providerArn = PROVIDER_ARN) {
  return (stack: Stack) => {
    const role = new iam.Role(stack, 'Plain', { assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')) });
    if (irsaConditions) {
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: ['sts:AssumeRoleWithWebIdentity'],
        principals: [new iam.FederatedPrincipal(providerArn, {})],
        conditions: irsaConditions,
      }));
    }
    return role;
  };
}

/** The statements of the one role resource of the stack. */
function trustOf(assembly: CloudAssembly): any[] {
  return Object.values(Template.fromJSON(assembly.getStackByName('Stack').template).findResources('AWS::IAM::Role'))[0].Properties.AssumeRolePolicyDocument.Statement;
}

/** An app with one association carrying `sessionPolicy`. */
function withSessionPolicy(document: (stack: Stack) => iam.PolicyDocument): App {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const role = new PodIdentityRole(stack, 'Role');
  role.associate(importedEksV2Cluster(stack), { namespace: 'carts', serviceAccount: 'carts', disableSessionTags: true, sessionPolicy: document(stack) });
  return app;
}

function policyPropertyOf(assembly: CloudAssembly): any {
  return Object.values(Template.fromJSON(assembly.getStackByName('Stack').template).findResources('AWS::EKS::PodIdentityAssociation'))[0].Properties.Policy;
}

function associationPolicyOf(assembly: CloudAssembly): any {
  return JSON.parse(Object.values(Template.fromJSON(assembly.getStackByName('Stack').template).findResources('AWS::EKS::PodIdentityAssociation'))[0].Properties.Policy);
}

const rows: AdversarialRow[] = [
  // The role of a migrating workload.
  {
    name: 'migrating, default role: trusted by Pod Identity and IRSA for exactly this service account',
    build: () => migrating(),
    expect: {
      correct: assembly => {
        const irsa = trustOf(assembly).find(statement => statement.Action === 'sts:AssumeRoleWithWebIdentity');
        expect(irsa.Condition).toEqual({ StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com', [`${ISSUER}:sub`]: SUB } });
      },
    },
  },
  {
    name: 'migrating, a PodIdentityRole passed in: the workload adds the IRSA trust',
    build: () => migrating({ role: stack => new PodIdentityRole(stack, 'Shared') }),
    expect: { correct: assembly => expect(trustOf(assembly).map(statement => statement.Action)).toContain('sts:AssumeRoleWithWebIdentity') },
  },
  {
    name: 'migrating, a plain iam.Role trusting only Pod Identity: every pod would be denied during the migration',
    build: () => migrating({ role: plainRole() }),
    expect: { error: 'IrsaTrustMissing' },
  },
  {
    name: 'migrating, a plain iam.Role trusting the provider for exactly this service account (StringEquals sub, aud)',
    build: () => migrating({ role: plainRole({ StringEquals: { [`${ISSUER}:sub`]: SUB, [`${ISSUER}:aud`]: 'sts.amazonaws.com' } }) }),
    expect: { correct: assembly => expect(trustOf(assembly)).toHaveLength(2) },
  },
  {
    name: 'migrating, a plain iam.Role trusting the namespace with StringLike system:serviceaccount:carts:*',
    build: () => migrating({ role: plainRole({ StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:carts:*' }, StringEquals: { [`${ISSUER}:aud`]: 'sts.amazonaws.com' } }) }),
    expect: { correct: assembly => expect(trustOf(assembly)).toHaveLength(2) },
  },
  {
    name: 'migrating, a plain iam.Role trusting another service account of the namespace',
    build: () => migrating({ role: plainRole({ StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:carts:orders', [`${ISSUER}:aud`]: 'sts.amazonaws.com' } }) }),
    expect: { error: 'IrsaTrustMissing' },
  },
  {
    name: 'migrating, a plain iam.Role whose StringLike matches another namespace only',
    build: () => migrating({ role: plainRole({ StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:orders:*' } }) }),
    expect: { error: 'IrsaTrustMissing' },
  },
  {
    name: 'migrating, a plain iam.Role trusting the right service account with another audience',
    build: () => migrating({ role: plainRole({ StringEquals: { [`${ISSUER}:sub`]: SUB, [`${ISSUER}:aud`]: 'example.com' } }) }),
    expect: { error: 'IrsaTrustMissing' },
  },
  {
    name: 'migrating, a plain iam.Role trusting another cluster\'s OIDC provider',
    build: () => migrating({ role: plainRole({ StringEquals: { [`${ISSUER}:sub`]: SUB } }, `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.${REGION}.amazonaws.com/id/OTHER`) }),
    expect: { error: 'IrsaTrustMissing' },
  },
  {
    name: 'migrating, an imported role: its trust cannot be read, a warning to acknowledge',
    build: () => migrating({ role: stack => iam.Role.fromRoleArn(stack, 'Existing', `arn:aws:iam::${ACCOUNT}:role/carts-irsa`) }),
    expect: { warning: 'IrsaTrustNotVerifiable' },
  },
  {
    name: 'not migrating, a plain iam.Role trusting only Pod Identity: no IRSA trust needed',
    build: () => migrating({ migratingFromIrsa: false, role: plainRole() }),
    expect: { correct: assembly => expect(trustOf(assembly)).toHaveLength(1) },
  },
  {
    name: 'migrating with role chaining: IRSA would give the association role, never the target role',
    build: () => migrating({ associationSettings: stack => ({ targetRole: iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/target') }) }),
    expect: { error: 'IrsaMigrationWithRoleChaining' },
  },
  // Session policies (the association settings a migrating workload may also carry).
  {
    name: 'an empty session policy: credentials that allow nothing, rejected by id (was a raw TypeError)',
    build: () => withSessionPolicy(() => new iam.PolicyDocument()),
    expect: { error: 'SessionPolicyAllowsNothing' },
  },
  {
    name: 'a session policy of only Deny statements: allows nothing either',
    build: () => withSessionPolicy(() => new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:*'], resources: ['*'] })] })),
    expect: { error: 'SessionPolicyAllowsNothing' },
  },
  {
    name: 'a session policy whose statements hold tokens: rendered, no crash',
    build: () => withSessionPolicy(stack => new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${stack.partition}:s3:::${stack.stackName}-bucket/*`] })] })),
    expect: { correct: assembly => expect(JSON.stringify(policyPropertyOf(assembly))).toMatch(/s3:GetObject.*AWS::Partition.*Stack-bucket/) },
  },
  {
    name: 'a session policy with statements added after the association: counted at synthesis',
    build: () => {
      const document = new iam.PolicyDocument();
      const app = withSessionPolicy(() => document);
      document.addStatements(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::carts'] }));
      return app;
    },
    expect: { correct: assembly => expect(associationPolicyOf(assembly).Statement[0].Resource).toBe('arn:aws:s3:::carts') },
  },
];

adversarialTable(rows);
