// Well-known policies and session tags: presets that scope to the pod's own cluster read the
// `aws:PrincipalTag/eks-cluster-name` session tag, which sessions without session tags (disableSessionTags, IRSA
// during a migration) do not carry. Each row an app and its exact outcome.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AdversarialRow, adversarialTable } from './harness';
import { PodIdentityAssociation, PodIdentityBoundWorkload, PodIdentityRole, PodIdentityTargetRole, WellKnownPolicy } from '../../lib';
import { ACCOUNT, ENV, importedEksV2Cluster, importedEksV2ClusterWithOidc } from '../helpers/clusters';

const NODE_ROLE = `arn:aws:iam::${ACCOUNT}:role/KarpenterNode`;

function karpenter(stack: Stack, clusterName?: string): WellKnownPolicy {
  return WellKnownPolicy.karpenter({ nodeRoles: [iam.Role.fromRoleArn(stack, 'NodeRole', NODE_ROLE)], clusterName });
}

/** A role with `presets`, associated (optionally without session tags) with the first preset's service account. */
interface AssociatedOptions {
  readonly disableSessionTags?: boolean;
  readonly more?: (role: PodIdentityRole) => void;
}

function associated(presets: (stack: Stack) => WellKnownPolicy[], options: AssociatedOptions = {}): App {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const policies = presets(stack);
  const role = new PodIdentityRole(stack, 'Role', { wellKnownPolicies: policies });
  options.more?.(role);
  role.associate(importedEksV2Cluster(stack), {
    namespace: policies[0]?.namespace ?? 'app', serviceAccount: policies[0]?.serviceAccount ?? 'app', disableSessionTags: options.disableSessionTags,
  });
  return app;
}

/** A Karpenter role in a central IAM stack (us-east-1), associated with a cluster imported in `clusterRegion`. */
function karpenterRoleFor(clusterRegion: string | undefined): App {
  const app = new App();
  const iamStack = new Stack(app, 'Iam', { env: ENV });
  const clusterStack = new Stack(app, 'Cluster', { env: clusterRegion === undefined ? undefined : { account: ACCOUNT, region: clusterRegion } });
  const role = new PodIdentityRole(iamStack, 'Karpenter', { roleName: 'karpenter', wellKnownPolicies: [karpenter(iamStack)] });
  new PodIdentityAssociation(clusterStack, 'Association', { cluster: importedEksV2Cluster(clusterStack), namespace: 'kube-system', serviceAccount: 'karpenter', role });
  return app;
}

/** A statement reading the pod's namespace from its session tags. */
function namespaceScoped(operator = 'StringEquals'): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: ['arn:aws:s3:::shared/*'],
    conditions: { [operator]: { 's3:ExistingObjectTag/namespace': '${aws:PrincipalTag/kubernetes-namespace}' } },
  });
}

/** A workload moving off IRSA whose role carries `preset`. */
function migratingWith(preset: (stack: Stack) => WellKnownPolicy): App {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: ENV });
  const policy = preset(stack);
  new PodIdentityBoundWorkload(stack, 'Controller', {
    cluster: importedEksV2ClusterWithOidc(stack),
    namespace: policy.namespace,
    serviceAccountName: policy.serviceAccount,
    createNamespace: false,
    image: 'controller:1',
    migratingFromIrsa: true,
    role: new PodIdentityRole(stack, 'Role', { wellKnownPolicies: [policy] }),
  });
  return app;
}

function templateOf(assembly: CloudAssembly): Template {
  return Template.fromJSON(assembly.getStackByName('Stack').template);
}

/** The resources of the one customer managed policy whose id starts with `prefix`. */
function policyResources(assembly: CloudAssembly, prefix: string): string[] {
  const policies = Object.entries(templateOf(assembly).findResources('AWS::IAM::ManagedPolicy')).filter(([id]) => id.startsWith(prefix));
  return policies.flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement.flatMap((statement: any) => [statement.Resource].flat()));
}

const rows: AdversarialRow[] = [
  {
    name: 'Karpenter preset (pinned to its stack\'s region) on a role of us-east-1 associated with a cluster in eu-west-1',
    build: () => karpenterRoleFor('eu-west-1'),
    expect: { error: 'PresetRegionMismatch' },
  },
  {
    name: 'near miss, accepted: the same role associated with a cluster of its own region, from another stack',
    build: () => karpenterRoleFor('us-east-1'),
    expect: {
      correct: assembly => {
        const statements = JSON.stringify(assembly.getStackByName('Iam').template.Resources);
        expect(statements).toContain('{"Ref":"AWS::Region"}');
        expect(Object.values<any>(assembly.getStackByName('Cluster').template.Resources).map(r => r.Type)).toContain('AWS::EKS::PodIdentityAssociation');
      },
    },
  },
  {
    name: 'Karpenter preset (cluster from the session tag) on an association without session tags',
    build: () => associated(stack => [karpenter(stack)], { disableSessionTags: true }),
    expect: { error: 'PrincipalTagsWithoutSessionTags' },
  },
  {
    name: 'Karpenter preset with clusterName on an association without session tags: no tag needed',
    build: () => associated(stack => [karpenter(stack, 'prod')], { disableSessionTags: true }),
    expect: { correct: assembly => expect(JSON.stringify(templateOf(assembly).toJSON())).not.toContain('aws:PrincipalTag') },
  },
  {
    name: 'Karpenter preset with session tags on (the default): the tag scopes it to the pod\'s cluster',
    build: () => associated(stack => [karpenter(stack)]),
    expect: { correct: assembly => expect(JSON.stringify(templateOf(assembly).toJSON())).toContain('${aws:PrincipalTag/eks-cluster-name}') },
  },
  {
    name: 'AWS Load Balancer Controller preset on a workload moving off IRSA (IRSA sessions carry no session tags)',
    build: () => migratingWith(() => WellKnownPolicy.awsLoadBalancerController()),
    expect: { error: 'PrincipalTagsWithoutSessionTags' },
  },
  {
    name: 'AWS Load Balancer Controller preset with clusterName on a workload moving off IRSA',
    build: () => migratingWith(() => WellKnownPolicy.awsLoadBalancerController({ clusterName: 'prod' })),
    expect: { correct: assembly => expect(JSON.stringify(templateOf(assembly).toJSON())).not.toContain('aws:PrincipalTag') },
  },
  {
    name: 'Cluster Autoscaler preset statements on a target role whose association sends no session tags',
    build: () => {
      const app = new App();
      const stack = new Stack(app, 'Stack', { env: ENV });
      const target = new PodIdentityTargetRole(stack, 'Target');
      WellKnownPolicy.clusterAutoscaler().statements.forEach(statement => target.addToPolicy(statement));
      new PodIdentityRole(stack, 'Role').associate(importedEksV2Cluster(stack), {
        namespace: 'kube-system', serviceAccount: 'cluster-autoscaler', targetRole: target, disableSessionTags: true,
      });
      return app;
    },
    expect: { error: 'PrincipalTagsWithoutSessionTags' },
  },
  {
    name: 'external-dns preset (scoped by its zones, no session tag) on an association without session tags',
    build: () => associated(stack => [WellKnownPolicy.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z123')] })], { disableSessionTags: true }),
    expect: { correct: assembly => expect(JSON.stringify(policyResources(assembly, 'RoleWellKnownPolicyExternalDns'))).toContain(':route53:::hostedzone/Z123') },
  },
  {
    name: 'a user statement on aws:PrincipalTag/kubernetes-namespace, on a role whose association sends no session tags',
    build: () => associated(() => [], { disableSessionTags: true, more: role => role.addToPolicy(namespaceScoped()) }),
    expect: { error: 'PrincipalTagsWithoutSessionTags' },
  },
  {
    name: 'a user statement on aws:PrincipalTag/kubernetes-namespace in an inline policy, no session tags',
    build: () => {
      const app = new App();
      const stack = new Stack(app, 'Stack', { env: ENV });
      const role = new PodIdentityRole(stack, 'Role', { inlinePolicies: { Shared: new iam.PolicyDocument({ statements: [namespaceScoped()] }) } });
      role.associate(importedEksV2Cluster(stack), { namespace: 'app', serviceAccount: 'app', disableSessionTags: true });
      return app;
    },
    expect: { error: 'PrincipalTagsWithoutSessionTags' },
  },
  {
    name: 'a user statement on the session tag with StringEqualsIfExists (meant for a missing tag): accepted',
    build: () => associated(() => [], { disableSessionTags: true, more: role => role.addToPolicy(namespaceScoped('StringEqualsIfExists')) }),
    expect: { correct: assembly => expect(JSON.stringify(templateOf(assembly).toJSON())).toContain('StringEqualsIfExists') },
  },
  {
    name: 'a user statement on aws:PrincipalTag/team (a tag of the role itself, not a session tag): accepted',
    build: () => associated(() => [], {
      disableSessionTags: true,
      more: role => role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::${aws:PrincipalTag/team}/*'] })),
    }),
    expect: { correct: assembly => expect(JSON.stringify(templateOf(assembly).toJSON())).toContain('aws:PrincipalTag/team') },
  },
  {
    name: 'a user statement on the session tag, with session tags on: accepted',
    build: () => associated(() => [], { more: role => role.addToPolicy(namespaceScoped()) }),
    expect: { correct: assembly => expect(JSON.stringify(templateOf(assembly).toJSON())).toContain('aws:PrincipalTag/kubernetes-namespace') },
  },
  // Velero's backup storage location prefix.
  {
    name: 'Velero prefix "/" (was the resource bucket//*)',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups'), prefix: '/' })]),
    expect: { throws: 'InvalidVeleroPrefix' },
  },
  {
    name: 'Velero prefix "" (empty)',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups'), prefix: '' })]),
    expect: { throws: 'InvalidVeleroPrefix' },
  },
  {
    name: 'Velero prefix with a leading slash',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups'), prefix: '/cluster-a' })]),
    expect: { throws: 'InvalidVeleroPrefix' },
  },
  {
    name: 'Velero prefix with an IAM wildcard',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups'), prefix: 'cluster-*' })]),
    expect: { throws: 'InvalidVeleroPrefix' },
  },
  {
    name: 'Velero prefix with a trailing slash: normalised to cluster-a/*',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups'), prefix: 'cluster-a/' })]),
    expect: { correct: assembly => expect(JSON.stringify(policyResources(assembly, 'RoleWellKnownPolicyVelero'))).toContain(':s3:::backups/cluster-a/*"') },
  },
  {
    name: 'Velero without a prefix: the whole bucket',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups') })]),
    expect: { correct: assembly => expect(JSON.stringify(policyResources(assembly, 'RoleWellKnownPolicyVelero'))).toContain(':s3:::backups/*"') },
  },
];

// Upstream comparison (issue 18 item 7): each preset allows what its software calls at run time, and no more.
/** The statements of the preset policies whose ids start with `prefix`, with their actions as a list. */
function policyStatements(assembly: CloudAssembly, prefix: string): { actions: string[]; resource: string; condition: string }[] {
  const policies = Object.entries(templateOf(assembly).findResources('AWS::IAM::ManagedPolicy')).filter(([id]) => id.startsWith(prefix));
  return policies.flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement.map((statement: any) => ({
    actions: [statement.Action].flat(), resource: JSON.stringify(statement.Resource), condition: JSON.stringify(statement.Condition ?? {}),
  })));
}
const statementsWith = (assembly: CloudAssembly, prefix: string, action: string) =>
  policyStatements(assembly, prefix).filter(statement => statement.actions.includes(action));
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;

rows.push(
  {
    name: 'gateway API controller: vpc-lattice:ListTagsForResource (IAM cannot scope it) on "*", not on an ARN pattern that never matches',
    build: () => associated(() => [WellKnownPolicy.gatewayApiController()]),
    expect: { correct: assembly => expect(statementsWith(assembly, 'RoleWellKnownPolicyGatewayApiController', 'vpc-lattice:ListTagsForResource').map(s => s.resource)).toEqual(['"*"']) },
  },
  {
    name: 'gateway API controller: tag:TagResources/UntagResources on "*", while vpc-lattice:TagResource stays on this account\'s VPC Lattice resources',
    build: () => associated(() => [WellKnownPolicy.gatewayApiController()]),
    expect: {
      correct: assembly => {
        expect(statementsWith(assembly, 'RoleWellKnownPolicyGatewayApiController', 'tag:TagResources').map(s => s.resource)).toEqual(['"*"']);
        expect(statementsWith(assembly, 'RoleWellKnownPolicyGatewayApiController', 'tag:UntagResources').map(s => s.resource)).toEqual(['"*"']);
        const tagging = statementsWith(assembly, 'RoleWellKnownPolicyGatewayApiController', 'vpc-lattice:TagResource');
        expect(tagging.map(s => s.resource)).toEqual([expect.stringContaining(':vpc-lattice:*:')]);
      },
    },
  },
  {
    name: 'node termination handler: lifecycle heartbeats (heartbeatInterval) allowed on Auto Scaling groups, DescribeLifecycleHooks on "*"',
    build: () => associated(stack => [WellKnownPolicy.nodeTerminationHandler({ queue: sqs.Queue.fromQueueArn(stack, 'Q', `arn:aws:sqs:us-east-1:${ACCOUNT}:nth`) })]),
    expect: {
      correct: assembly => {
        expect(statementsWith(assembly, 'RoleWellKnownPolicyNodeTerminationHandler', 'autoscaling:RecordLifecycleActionHeartbeat').map(s => s.resource))
          .toEqual([expect.stringContaining(':autoScalingGroup:*:autoScalingGroupName/*')]);
        expect(statementsWith(assembly, 'RoleWellKnownPolicyNodeTerminationHandler', 'autoscaling:DescribeLifecycleHooks').map(s => s.resource)).toEqual(['"*"']);
      },
    },
  },
  {
    name: 'node termination handler: queue messages still only from the given queue',
    build: () => associated(stack => [WellKnownPolicy.nodeTerminationHandler({ queue: sqs.Queue.fromQueueArn(stack, 'Q', `arn:aws:sqs:us-east-1:${ACCOUNT}:nth`) })]),
    expect: { correct: assembly => expect(statementsWith(assembly, 'RoleWellKnownPolicyNodeTerminationHandler', 'sqs:ReceiveMessage').map(s => s.resource)).toEqual([`"arn:aws:sqs:us-east-1:${ACCOUNT}:nth"`]) },
  },
  {
    name: 'external-dns: record reads on every zone (one AccessDenied stops its sync), changes only in the given zone',
    build: () => associated(stack => [WellKnownPolicy.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z123')] })]),
    expect: {
      correct: assembly => {
        expect(statementsWith(assembly, 'RoleWellKnownPolicyExternalDns', 'route53:ListResourceRecordSets').map(s => s.resource)).toEqual([expect.stringContaining(':route53:::hostedzone/*')]);
        const writes = statementsWith(assembly, 'RoleWellKnownPolicyExternalDns', 'route53:ChangeResourceRecordSets');
        expect(writes.map(s => s.resource)).toEqual([expect.stringContaining(':route53:::hostedzone/Z123')]);
        expect(writes.map(s => s.actions)).toEqual([['route53:ChangeResourceRecordSets']]);
      },
    },
  },
  {
    name: 'external-dns without hosted zones',
    build: () => associated(() => [WellKnownPolicy.externalDns({ hostedZones: [] })]),
    expect: { throws: 'EmptyPolicyScope' },
  },
  {
    name: 'cert-manager: record changes stay TXT records under _acme-challenge. in the given zone',
    build: () => associated(stack => [WellKnownPolicy.certManager({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z123')] })]),
    expect: {
      correct: assembly => {
        const writes = statementsWith(assembly, 'RoleWellKnownPolicyCertManager', 'route53:ChangeResourceRecordSets');
        expect(writes.map(s => s.resource)).toEqual([expect.stringContaining(':route53:::hostedzone/Z123')]);
        expect(writes[0].condition).toContain('"route53:ChangeResourceRecordSetsRecordTypes":["TXT"]');
        expect(writes[0].condition).toContain('_acme-challenge.*');
      },
    },
  },
  {
    name: 'Velero with kmsKeys: EBS restores of volumes encrypted with the key get kms:GenerateDataKeyWithoutPlaintext',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups'), kmsKeys: [kms.Key.fromKeyArn(stack, 'K', KEY_ARN)] })]),
    expect: {
      correct: assembly => {
        expect(statementsWith(assembly, 'RoleWellKnownPolicyVelero', 'kms:GenerateDataKeyWithoutPlaintext').map(s => s.resource)).toEqual([`"${KEY_ARN}"`]);
        expect(statementsWith(assembly, 'RoleWellKnownPolicyVelero', 'kms:CreateGrant').map(s => s.condition)).toEqual(['{"Bool":{"kms:GrantIsForAWSResource":"true"}}']);
      },
    },
  },
  {
    name: 'Velero without kmsKeys: no KMS permission at all',
    build: () => associated(stack => [WellKnownPolicy.velero({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'backups') })]),
    expect: { correct: assembly => expect(policyStatements(assembly, 'RoleWellKnownPolicyVelero').flatMap(s => s.actions).filter(action => action.startsWith('kms:'))).toEqual([]) },
  },
);

adversarialTable(rows);
