// PodIdentityReport (lib/report/report.ts) on cloud assemblies: the entries and findings it reads from templates made
// by this library and by plain aws-cdk-lib, nested stacks, stages and cross-stack references, and its determinism.
import { CfnOutput, CfnResource, Fn, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { CrossAccountClusterStack, CrossAccountDataStack } from '../../examples/cross-account-stack';
import { FindingId, FindingSeverity, PodIdentityBoundWorkload, PodIdentityReport, PodIdentityRole, PolicyKind } from '../../lib';
import { ENV, IMPORTED_V2_CLUSTER_NAME, importedEksV2Cluster, newEksV2Cluster } from '../helpers/clusters';
import { entryOf, findingIds, handAssembly, reportApp, reportOf } from '../helpers/report';
import { stderrOnATerminal } from '../helpers/terminal';

function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnResource;
  return Stack.of(resource).resolve(resource.logicalId);
}

const TARGET_ROLE_ARN = 'arn:aws:iam::222222222222:role/cross-account-target';

describe('on templates made by this library', () => {
  const app = reportApp();
  const stack = new Stack(app, 'Shop', { env: ENV });
  const cluster = newEksV2Cluster(stack);
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  const carts = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', serviceAccountName: 'carts', image: 'carts:1' });
  table.grantReadData(carts);

  const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
    managedPolicyName: 'pod-boundary',
    statements: [new iam.PolicyStatement({ actions: ['s3:*', 'dynamodb:*'], resources: ['*'] })],
  });
  const shared = new iam.ManagedPolicy(stack, 'Shared', {
    statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:111111111111:orders'] })],
  });
  const chained = new PodIdentityRole(stack, 'ChainedRole', {
    inlinePolicies: { logs: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: ['arn:aws:logs:us-east-1:111111111111:log-group:orders:*'] })] }) },
    managedPolicies: [shared, iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
    permissionsBoundary: boundary,
    scopeTrustToAssociations: true,
  });
  chained.associate(cluster, {
    namespace: 'orders',
    serviceAccount: 'orders',
    targetRole: iam.Role.fromRoleArn(stack, 'Target', TARGET_ROLE_ARN),
    disableSessionTags: true,
    sessionPolicy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [Fn.join('', [table.tableArn, '/x'])] })] }),
  });
  const report = reportOf(app);
  const tableId = logicalIdOf(table);
  const tableArn = `\${${tableId}.Arn}`;
  const clusterId = logicalIdOf(cluster);
  const clusterName = `\${${clusterId}}`;

  test('one entry per association, with cluster, namespace, service account, role and trust scope', () => {
    expect(report.entries.map(e => `${e.stack} ${e.resourceType} ${e.cluster} ${e.namespace}/${e.serviceAccount}`)).toEqual([
      `Shop AWS::EKS::PodIdentityAssociation ${clusterName} carts/carts`,
      `Shop AWS::EKS::PodIdentityAssociation ${clusterName} orders/orders`,
    ]);
    const entry = entryOf(report, 'carts', 'carts');
    expect(entry.role.inAssembly).toBe(true);
    expect(entry.role.arn).toBe(`\${${entry.role.logicalId}.Arn}`);
    expect(entry.role.trustScope).toBe(`pods.eks.amazonaws.com (cluster \${${clusterId}.Arn}; namespace carts; service account carts)`);
    expect(entry.sessionTagsEnabled).toBe(true);
    expect(entry.targetRole).toBeUndefined();
    expect(entry.roleChain).toEqual([entry.role.arn]);
    expect(entry.findings).toEqual([]);
  });

  test('permissions of a grant: the attached AWS::IAM::Policy with the table ARN as a placeholder', () => {
    const { policies } = entryOf(report, 'carts', 'carts').role;
    expect(policies.map(p => p.kind)).toEqual([PolicyKind.ATTACHED]);
    const [statement] = policies[0].document.Statement;
    expect(statement.Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    expect(statement.Action).not.toContain('dynamodb:PutItem');
    expect(statement.Resource).toEqual([tableArn]);
  });

  test('inline, customer managed and AWS managed policies, boundary, session policy and target role', () => {
    const entry = entryOf(report, 'orders', 'orders');
    expect(entry.role.policies.map(p => `${p.kind.name} ${p.name}`)).toEqual([
      'inline logs',
      expect.stringMatching(/^attached ChainedRoleDefaultPolicy/), // sts:AssumeRole on the target role
      expect.stringMatching(/^customer-managed Shared/),
      'aws-managed AmazonS3ReadOnlyAccess',
    ]);
    expect(entry.role.policies[1].document.Statement).toEqual([
      // Session tags are off for this association: the target role is only assumed, never tagged.
      { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: TARGET_ROLE_ARN },
    ]);
    expect(entry.role.policies[2].document.Statement[0].Action).toBe('sqs:SendMessage');
    expect(entry.role.policies[3].document).toBeUndefined();
    expect(entry.role.permissionsBoundary).toMatchObject({ kind: PolicyKind.CUSTOMER_MANAGED, name: 'pod-boundary' });
    expect(entry.role.permissionsBoundary!.document.Statement[0].Action).toEqual(['s3:*', 'dynamodb:*']);
    expect(entry.sessionTagsEnabled).toBe(false);
    expect(entry.sessionTags).toEqual({});
    expect(entry.sessionPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: `${tableArn}/x` }],
    });
    expect(entry.targetRole).toMatchObject({ arn: TARGET_ROLE_ARN, inAssembly: false });
    expect(entry.roleChain).toEqual([entry.role.arn, TARGET_ROLE_ARN]);
    // A boundary's wildcards limit; they grant nothing: only the unknown target role is reported.
    expect(findingIds(entry)).toEqual([`${FindingId.ROLE_NOT_IN_ASSEMBLY} warning`]);
    expect(entry.findings[0].message).toContain(TARGET_ROLE_ARN);
  });

  test('session tags EKS sends, and every placeholder with the intrinsic it stands for', () => {
    const entry = entryOf(report, 'carts', 'carts');
    expect(entry.sessionTags).toEqual({
      // A cluster of the assembly: its ARN attribute, as the scoped trust names it.
      'eks-cluster-arn': `\${${clusterId}.Arn}`,
      'eks-cluster-name': clusterName,
      'kubernetes-namespace': 'carts',
      'kubernetes-service-account': 'carts',
      'kubernetes-pod-name': '${PodName}',
      'kubernetes-pod-uid': '${PodUid}',
    });
    expect(entry.placeholders[clusterId]).toEqual({ Ref: clusterId });
    expect(entry.placeholders[`${clusterId}.Arn`]).toEqual({ 'Fn::GetAtt': [clusterId, 'Arn'] });
    expect(entry.placeholders[`${tableId}.Arn`]).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    expect(Object.keys(entry.placeholders)).toEqual([...Object.keys(entry.placeholders)].sort());
  });

  test('Markdown: a summary table and a section per association, no [object Object]', () => {
    const markdown = report.toMarkdown();
    expect(markdown).toMatch(/^# EKS Pod Identity permissions\n\n2 associations · 0 errors · 1 warning\n/);
    expect(markdown).toContain('| `Shop` | `Shop/Cluster` | `carts` | `carts` |');
    expect(markdown).not.toContain(`| \`${clusterName}\` |`);
    expect(markdown).toContain('## `orders/orders` on cluster');
    expect(markdown).toContain('| | (AWS managed policy) | | | role: aws-managed `AmazonS3ReadOnlyAccess` |');
    expect(markdown).toContain('session policy (limits)');
    expect(markdown).toContain('permissions boundary `pod-boundary` (limits)');
    expect(markdown).not.toContain('[object Object]');
    expect(report.toJson()).not.toContain('[object Object]');
  });

  test('JSON: the entry as an IAM evaluator needs it', () => {
    const json = JSON.parse(report.toJson());
    expect(json.formatVersion).toBe(1);
    expect(json.summary).toEqual({ associations: 2, errors: 0, warnings: 1, acknowledged: 0 });
    const orders = json.associations.find((a: any) => a.namespace === 'orders');
    expect(Object.keys(orders)).toEqual(expect.arrayContaining([
      'cluster', 'namespace', 'serviceAccount', 'role', 'targetRole', 'roleChain', 'sessionTagsEnabled', 'sessionTags', 'sessionPolicy', 'placeholders', 'findings',
    ]));
    expect(orders.role.trustPolicy.Statement[0].Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(orders.role.policies.map((p: any) => p.kind)).toEqual(['inline', 'attached', 'customer-managed', 'aws-managed']);
    expect(orders.role.permissionsBoundary.kind).toBe('customer-managed');
    expect(orders.findings).toEqual([{ id: 'RoleNotInAssembly', severity: 'warning', message: expect.stringContaining(TARGET_ROLE_ARN) }]);
  });
});

describe('on templates made by plain aws-cdk-lib', () => {
  const app = reportApp();
  const stack = new Stack(app, 'Plain', { env: ENV });
  const cluster = importedEksV2Cluster(stack);
  const bucket = new s3.Bucket(stack, 'Bucket');

  const serviceAccount = new eksv2.ServiceAccount(stack, 'Uploader', {
    cluster, name: 'uploader', namespace: 'media', identityType: eksv2.IdentityType.POD_IDENTITY,
  });
  bucket.grantPut(serviceAccount);

  new eks.CfnPodIdentityAssociation(stack, 'Hand', {
    clusterName: 'other-cluster',
    namespace: 'batch',
    serviceAccount: 'worker',
    roleArn: 'arn:aws:iam::111111111111:role/made-elsewhere',
  });

  const ebsRole = new iam.Role(stack, 'EbsCsiRole', {
    assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEBSCSIDriverPolicy')],
  });
  ebsRole.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
    actions: ['sts:TagSession'], principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
  }));
  new eks.CfnAddon(stack, 'EbsCsi', {
    clusterName: IMPORTED_V2_CLUSTER_NAME,
    addonName: 'aws-ebs-csi-driver',
    podIdentityAssociations: [{ serviceAccount: 'ebs-csi-controller-sa', roleArn: ebsRole.roleArn }],
  });
  new eks.CfnAddon(stack, 'Custom', {
    clusterName: IMPORTED_V2_CLUSTER_NAME,
    addonName: 'some-addon',
    namespaceConfig: { namespace: 'tools' },
    podIdentityAssociations: [{ serviceAccount: 'tool', roleArn: ebsRole.roleArn }],
  });
  const report = reportOf(app);

  test('ServiceAccount with IdentityType.POD_IDENTITY: its role, the grant, and an unscoped trust', () => {
    const entry = entryOf(report, 'media', 'uploader');
    expect(entry.cluster).toBe(IMPORTED_V2_CLUSTER_NAME);
    expect(entry.resourceType).toBe('AWS::EKS::PodIdentityAssociation');
    expect(entry.role.logicalId).toMatch(/^UploaderRole/);
    const statements = entry.role.policies.flatMap(p => p.document.Statement);
    expect(statements.flatMap((s: any) => [s.Action].flat())).toContain('s3:PutObject');
    expect(entry.role.trustScope).toBe('pods.eks.amazonaws.com (any association in the account)');
    expect(findingIds(entry)).toEqual([`${FindingId.UNSCOPED_TRUST} warning`]);
  });

  test('hand-written CfnPodIdentityAssociation with a role from elsewhere', () => {
    const entry = entryOf(report, 'batch', 'worker');
    expect(entry.cluster).toBe('other-cluster');
    expect(entry.role).toEqual({
      arn: 'arn:aws:iam::111111111111:role/made-elsewhere',
      inAssembly: false,
      trustScope: 'unknown (role not in the cloud assembly)',
      policies: [],
      effectivePermissions: [],
      effectivePermissionsUnknown: 'the role is not in the cloud assembly',
    });
    expect(findingIds(entry)).toEqual([`${FindingId.ROLE_NOT_IN_ASSEMBLY} warning`]);
  });

  test("an add-on's PodIdentityAssociations: the add-on's namespace, or its NamespaceConfig", () => {
    const ebs = entryOf(report, 'kube-system', 'ebs-csi-controller-sa');
    expect(ebs.resourceType).toBe('AWS::EKS::Addon');
    expect(ebs.logicalId).toMatch(/^EbsCsi/);
    expect(ebs.role.policies.map(p => `${p.kind.name} ${p.name}`)).toEqual(['aws-managed service-role/AmazonEBSCSIDriverPolicy']);
    expect(ebs.role.trustScope).toBe('pods.eks.amazonaws.com (any association in the account)');
    expect(entryOf(report, 'tools', 'tool').role.logicalId).toBe(ebs.role.logicalId);
  });

  test('Markdown and JSON name every association', () => {
    const markdown = report.toMarkdown();
    for (const pair of ['media/uploader', 'batch/worker', 'kube-system/ebs-csi-controller-sa', 'tools/tool']) {
      expect(markdown).toContain(`## \`${pair}\``);
    }
    expect(markdown).not.toContain('[object Object]');
    expect(JSON.parse(report.toJson()).associations).toHaveLength(4);
  });
});

describe('findings', () => {
  const app = reportApp();
  const stack = new Stack(app, 'Findings', { env: ENV });
  const cluster = importedEksV2Cluster(stack);
  const role = (id: string, namespace: string, ...statements: iam.PolicyStatement[]) => {
    const podRole = new PodIdentityRole(stack, id, { scopeTrustToAssociations: true });
    for (const statement of statements) podRole.addToPrincipalPolicy(statement);
    podRole.associate(cluster, { namespace, serviceAccount: 'app' });
    return podRole;
  };
  role('Admin', 'admin', new iam.PolicyStatement({ actions: ['*'], resources: ['*'] }));
  role('S3All', 's3all', new iam.PolicyStatement({ actions: ['s3:*'], resources: ['arn:aws:s3:::bucket'] }));
  role('Reads', 'reads', new iam.PolicyStatement({ actions: ['ec2:Describe*', 's3:GetObject', 'dynamodb:Query'], resources: ['*'] }));
  role('Writes', 'writes', new iam.PolicyStatement({ actions: ['s3:GetObject', 'sqs:SendMessage'], resources: ['*'] }));
  role('NotAction', 'notaction', new iam.PolicyStatement({ notActions: ['iam:*'], resources: ['arn:aws:s3:::bucket'] }));
  const fullAccess = new PodIdentityRole(stack, 'FullAccess', { managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonDynamoDBFullAccess')] });
  fullAccess.associate(cluster, { namespace: 'full', serviceAccount: 'app' });

  const shared = new iam.Role(stack, 'Shared', {
    assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com'), new iam.ServicePrincipal('ec2.amazonaws.com')),
  });
  new eks.CfnPodIdentityAssociation(stack, 'SharedAssociation', { clusterName: IMPORTED_V2_CLUSTER_NAME, namespace: 'shared', serviceAccount: 'app', roleArn: shared.roleArn });
  const anyone = new iam.Role(stack, 'Anyone', { assumedBy: new iam.AnyPrincipal() });
  new eks.CfnPodIdentityAssociation(stack, 'AnyoneAssociation', { clusterName: IMPORTED_V2_CLUSTER_NAME, namespace: 'anyone', serviceAccount: 'app', roleArn: anyone.roleArn });
  const lambdaRole = new iam.Role(stack, 'LambdaRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  new eks.CfnPodIdentityAssociation(stack, 'LambdaAssociation', { clusterName: IMPORTED_V2_CLUSTER_NAME, namespace: 'lambda', serviceAccount: 'app', roleArn: lambdaRole.roleArn });
  const unmanaged = new PodIdentityRole(stack, 'Unmanaged', {
    managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Elsewhere', 'arn:aws:iam::111111111111:policy/elsewhere')],
  });
  unmanaged.associate(cluster, { namespace: 'unmanaged', serviceAccount: 'app' });
  const report = reportOf(app);
  const ids = (namespace: string) => findingIds(entryOf(report, namespace, 'app'));

  test('WildcardAction (error) for *, service:* and NotAction; WildcardResourceOnWrite (warning) for writes on *', () => {
    expect(ids('admin')).toEqual([`${FindingId.WILDCARD_ACTION} error`, `${FindingId.WILDCARD_RESOURCE_ON_WRITE} warning`]);
    expect(ids('s3all')).toEqual([`${FindingId.WILDCARD_ACTION} error`]);
    expect(ids('notaction')).toEqual([`${FindingId.WILDCARD_ACTION} error`]);
    expect(ids('reads')).toEqual([]);
    expect(ids('writes')).toEqual([`${FindingId.WILDCARD_RESOURCE_ON_WRITE} warning`]);
    expect(entryOf(report, 'writes', 'app').findings[0].message).toMatch(/allows sqs:SendMessage on every resource \(\*\)$/);
    expect(entryOf(report, 's3all', 'app').findings[0].message).toMatch(/statement 1 allows s3:\*$/);
  });

  test('WildcardAction for an AWS managed *FullAccess policy', () => {
    expect(ids('full')).toEqual([`${FindingId.WILDCARD_ACTION} error`, `${FindingId.UNSCOPED_TRUST} warning`]);
    expect(entryOf(report, 'full', 'app').findings[0].message).toContain('aws-managed policy AmazonDynamoDBFullAccess');
  });

  test('TrustedBeyondPodIdentity: warning for another service, error for anyone; NotTrustedByPodIdentity', () => {
    expect(ids('shared')).toEqual([`${FindingId.TRUSTED_BEYOND_POD_IDENTITY} warning`, `${FindingId.UNSCOPED_TRUST} warning`]);
    expect(entryOf(report, 'shared', 'app').findings[0].message).toContain('Service ec2.amazonaws.com');
    expect(ids('anyone')).toEqual([`${FindingId.NOT_TRUSTED_BY_POD_IDENTITY} error`, `${FindingId.TRUSTED_BEYOND_POD_IDENTITY} error`]);
    expect(ids('lambda')).toEqual([`${FindingId.NOT_TRUSTED_BY_POD_IDENTITY} error`, `${FindingId.TRUSTED_BEYOND_POD_IDENTITY} warning`]);
  });

  test('PolicyNotInAssembly for a customer managed policy attached by ARN', () => {
    expect(ids('unmanaged')).toEqual([`${FindingId.POLICY_NOT_IN_ASSEMBLY} warning`, `${FindingId.UNSCOPED_TRUST} warning`]);
  });

  test('severities: hasFindings and the report-wide list, errors first', () => {
    expect(report.hasFindings(FindingSeverity.ERROR)).toBe(true);
    expect(report.findings[0].severity).toBe(FindingSeverity.ERROR);
    expect(report.findings[report.findings.length - 1].severity).toBe(FindingSeverity.WARNING);
    expect(FindingSeverity.of('warning')).toBe(FindingSeverity.WARNING);
    expect(() => FindingSeverity.of('info')).toThrow(/\[cdk-eks-pod-identity:UnknownFindingSeverity\] unknown finding severity: 'info'/);
  });
});

describe('nested stacks, stages and cross-stack references', () => {
  const app = reportApp();
  const stage = new Stage(app, 'Prod', { env: ENV });
  const parent = new Stack(stage, 'Platform');
  const cluster = newEksV2Cluster(parent);
  const bucket = new s3.Bucket(parent, 'Bucket');
  const nested = new NestedStack(parent, 'Team');
  const teamRole = new PodIdentityRole(nested, 'TeamRole');
  bucket.grantRead(teamRole);
  new eks.CfnPodIdentityAssociation(nested, 'TeamAssociation', {
    clusterName: cluster.clusterName, namespace: 'team', serviceAccount: 'app', roleArn: teamRole.roleArn,
  });
  // A role of the parent stack associated from a nested stack (the ARN arrives as a parameter).
  const parentRole = new PodIdentityRole(parent, 'ParentRole');
  const deeper = new NestedStack(nested, 'Deeper');
  new eks.CfnPodIdentityAssociation(deeper, 'DeepAssociation', {
    clusterName: cluster.clusterName, namespace: 'deep', serviceAccount: 'app', roleArn: parentRole.roleArn,
  });
  // Another stack importing the parent's exported role ARN, and an import nobody exports.
  const consumer = new Stack(stage, 'Consumer');
  new CfnOutput(parent, 'RoleArnOutput', { value: parentRole.roleArn, exportName: 'platform-role-arn' });
  new eks.CfnPodIdentityAssociation(consumer, 'Imported', {
    clusterName: 'prod', namespace: 'imported', serviceAccount: 'app', roleArn: Fn.importValue('platform-role-arn'),
  });
  new eks.CfnPodIdentityAssociation(consumer, 'Unknown', {
    clusterName: Fn.sub('${AWS::StackName}-cluster'), namespace: 'unknown', serviceAccount: 'app', roleArn: Fn.importValue('nobody-exports-this'),
  });
  const report = reportOf(app);
  const clusterId = logicalIdOf(cluster);

  test('associations in nested stacks, named after their parent and logical id, with roles and policies resolved', () => {
    const team = entryOf(report, 'team', 'app');
    expect(team.stack).toMatch(/^Prod\/Platform\/TeamNestedStackTeamNestedStackResource[0-9A-F]{8}$/);
    // The cluster name comes through the nested stack's parameter: rendered as the parent's value.
    expect(team.cluster).toBe(`\${${clusterId}}`);
    expect(team.role.stack).toBe(team.stack);
    expect(team.role.policies.flatMap(p => p.document.Statement).flatMap((s: any) => s.Action)).toContain('s3:GetObject*');
    expect(team.role.policies.flatMap(p => p.document.Statement).flatMap((s: any) => s.Resource)).toContain(`\${${logicalIdOf(bucket)}.Arn}`);
  });

  test('a role of the parent, reached two nested stacks down through parameters', () => {
    const deep = entryOf(report, 'deep', 'app');
    expect(deep.stack).toMatch(/^Prod\/Platform\/TeamNestedStack.*\/DeeperNestedStackDeeperNestedStackResource[0-9A-F]{8}$/);
    expect(deep.role.stack).toBe('Prod/Platform');
    expect(deep.role.logicalId).toMatch(/^ParentRole/);
    expect(findingIds(deep)).toEqual([`${FindingId.UNSCOPED_TRUST} warning`]);
  });

  test('Fn::ImportValue: followed to the exporting stack, or shown as ${Import:name}; Fn::Sub substituted', () => {
    const imported = entryOf(report, 'imported', 'app');
    expect(imported.stack).toBe('Prod/Consumer');
    expect(imported.role.logicalId).toMatch(/^ParentRole/);
    expect(imported.role.arn).toBe(`\${${imported.role.logicalId}.Arn}`);
    const unknown = entryOf(report, 'unknown', 'app');
    expect(unknown.role.arn).toBe('${Import:nobody-exports-this}');
    expect(unknown.cluster).toBe('${AWS::StackName}-cluster');
    expect(findingIds(unknown)).toEqual([`${FindingId.ROLE_NOT_IN_ASSEMBLY} warning`]);
  });
});

describe('determinism', () => {
  const build = () => {
    const app = reportApp();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = importedEksV2Cluster(stack);
    // Created in reverse order of the report's sort keys.
    for (const namespace of ['zeta', 'alpha', 'mid']) {
      const role = new PodIdentityRole(stack, `Role${namespace}`, { scopeTrustToAssociations: true });
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${namespace}/*`] }));
      role.associate(cluster, { namespace, serviceAccount: 'b' });
      role.associate(cluster, { namespace, serviceAccount: 'a' });
    }
    return reportOf(app);
  };

  test('two synths of the same app give byte-identical reports, sorted by stack, cluster, namespace and service account', () => {
    const [first, second] = [build(), build()];
    expect(second.toMarkdown()).toBe(first.toMarkdown());
    expect(second.toJson()).toBe(first.toJson());
    expect(first.entries.map(e => `${e.namespace}/${e.serviceAccount}`)).toEqual(['alpha/a', 'alpha/b', 'mid/a', 'mid/b', 'zeta/a', 'zeta/b']);
  });

  test('an assembly without associations, and a directory that is not one', () => {
    const app = reportApp();
    new Stack(app, 'Empty').node.addMetadata('x', 'y');
    new iam.Role(Stack.of(app.node.findChild('Empty')), 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    const empty = reportOf(app);
    expect(empty.entries).toEqual([]);
    expect(empty.toMarkdown()).toContain('0 associations · 0 errors · 0 warnings');
    expect(() => PodIdentityReport.fromCloudAssembly('/nonexistent/cdk.out'))
      .toThrow(/\[cdk-eks-pod-identity:NotACloudAssembly\] no manifest.json in \/nonexistent\/cdk.out/);
  });
});

test('a target role of another account\'s stack, named at synth, is found in the assembly by its name', () => {
  const app = reportApp();
  const data = new CrossAccountDataStack(app, 'Data', { env: { account: '222222222222', region: 'us-east-1' } });
  new CrossAccountClusterStack(app, 'Cluster', { env: { account: '111111111111', region: 'us-east-1' }, data });
  const entry = entryOf(reportOf(app), 'reports', 'reader');
  expect(entry.targetRole?.inAssembly).toBe(true);
  expect(entry.targetRole?.trustPolicy).toBeDefined();
  expect(entry.findings.map(finding => finding.id)).not.toContain(FindingId.ROLE_NOT_IN_ASSEMBLY);
});

test('two stages in two accounts, each with a role app-role: each association gets its own stage\'s role and policies', () => {
  const app = reportApp();
  for (const [stageName, account, action] of [['Dev', '111111111111', 's3:GetObject'], ['Prod', '222222222222', 'sqs:SendMessage']]) {
    const stage = new Stage(app, stageName, { env: { account, region: 'us-east-1' } });
    const stack = new Stack(stage, 'App');
    new iam.Role(stack, 'AppRole', { roleName: 'app-role', assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const byName = iam.Role.fromRoleName(stack, 'ByName', 'app-role');
    new iam.Policy(stack, 'Grant', { roles: [byName], statements: [new iam.PolicyStatement({ actions: [action], resources: ['*'] })] });
    new eks.CfnPodIdentityAssociation(stack, 'Association', { clusterName: 'c', namespace: 'app', serviceAccount: 'app', roleArn: byName.roleArn });
  }
  const report = reportOf(app);
  expect(report.entries.map(e => `${e.stack} → ${e.role.stack}: ${e.role.policies.flatMap(p => p.document.Statement).map((s: any) => s.Action)}`))
    .toEqual(['Dev/App → Dev/App: s3:GetObject', 'Prod/App → Prod/App: sqs:SendMessage']);
});

test('on a terminal, reading shows the resources read after the first second, then clears the line', () => {
  const directory = handAssembly({
    stacks: {
      App: {
        template: {
          Resources: {
            Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Statement: [] } } },
            Association: { Type: 'AWS::EKS::PodIdentityAssociation', Properties: { ClusterName: 'c', Namespace: 'n', ServiceAccount: 's', RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
          },
        },
      },
    },
  });
  let report: PodIdentityReport | undefined;
  const lines = stderrOnATerminal(() => {
    report = PodIdentityReport.fromCloudAssembly(directory);
  });
  expect(report!.entries.map(e => `${e.namespace}/${e.serviceAccount}`)).toEqual(['n/s']);
  expect(lines).toEqual([1, 2].map(done => `\r\x1b[Kcdk-eks-pod-identity: report: resources read: ${done}/2`).concat('\r\x1b[K'));
});
