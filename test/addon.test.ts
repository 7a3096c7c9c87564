import { App, CfnParameter, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  PodIdentityAddon,
  PodIdentityAgentAddon,
  PodIdentityAssociation,
  PodIdentityErrors,
  PodIdentityRole,
  ResolveConflicts,
} from '../lib';
import { ENV, importedEksV2Cluster, newAutoModeCluster, newEksV2Cluster, newStack } from './helpers/clusters';
import { awsSolutionsErrors, formatFindings } from './judges/cdk-nag';
import { IamSimulationJudge, assertPodMay, assertPodMayNot } from './judges/iam-simulation';

const ADDON = 'AWS::EKS::Addon';
const CLUSTER_NAME = 'prod';

function setup() {
  const { app, stack } = newStack();
  const cluster = importedEksV2Cluster(stack, 'Cluster', CLUSTER_NAME);
  return { app, stack, cluster };
}

/** The add-on resource of that name, with its logical id. */
function addonResource(template: Template, addonName: string): { logicalId: string; resource: any } {
  const found = Object.entries(template.findResources(ADDON, { Properties: { AddonName: addonName } }));
  expect(found).toHaveLength(1);
  return { logicalId: found[0][0], resource: found[0][1] };
}

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: any } }): string {
  return stack.resolve(construct.node.defaultChild.logicalId);
}

function problemOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return PodIdentityErrors.problemIdOf(e);
  }
  return undefined;
}

function messagesOf(app: App, stack: Stack, level: string): string[] {
  return app.synth().getStackArtifact(stack.artifactId).messages.filter(m => m.level === level).map(m => String(m.entry.data));
}

describe('the EBS CSI driver with its defaults', () => {
  const { stack, cluster } = setup();
  PodIdentityAgentAddon.of(cluster); // the agent is not installed yet, stated (else AgentAddonOnImportedCluster warns)
  const addon = new PodIdentityAddon(stack, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver' });
  const template = Template.fromStack(stack);
  const role = addon.roleOf('ebs-csi-controller-sa');
  const roleId = logicalIdOf(stack, role);

  test('one add-on with one Pod Identity association for ebs-csi-controller-sa and its role', () => {
    const { resource } = addonResource(template, 'aws-ebs-csi-driver');
    expect(resource.Properties).toEqual({
      AddonName: 'aws-ebs-csi-driver',
      ClusterName: CLUSTER_NAME,
      PreserveOnDelete: true,
      ResolveConflicts: 'OVERWRITE',
      PodIdentityAssociations: [{ ServiceAccount: 'ebs-csi-controller-sa', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }],
    });
    expect(addon.namespace).toBe('kube-system');
    expect(addon.serviceAccounts).toEqual(['ebs-csi-controller-sa']);
    expect(stack.resolve(addon.addonArn)).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, addon), 'Arn'] });
  });

  test('the role holds the AWS managed AmazonEBSCSIDriverPolicy and trusts only that service account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy']] }],
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:RequestTag/eks-cluster-arn': Match.anyValue(),
              'aws:RequestTag/kubernetes-namespace': 'kube-system',
              'aws:RequestTag/kubernetes-service-account': 'ebs-csi-controller-sa',
            },
          },
        })],
      },
    });
  });

  test('the add-on waits for the agent add-on', () => {
    const { resource } = addonResource(template, 'aws-ebs-csi-driver');
    const agent = addonResource(template, PodIdentityAgentAddon.ADDON_NAME);
    expect(resource.DependsOn).toEqual([agent.logicalId]);
  });

  test('IAM simulation: the driver may manage volumes, nothing else, and only its service account gets the role', async () => {
    const judge = IamSimulationJudge.fromStack(stack);
    const pod = { namespace: 'kube-system' };
    await assertPodMay(judge, roleId, 'ec2:DescribeVolumes', '*', pod);
    await assertPodMayNot(judge, roleId, 's3:GetObject', 'arn:aws:s3:::some-bucket/key', pod);
    await assertPodMayNot(judge, roleId, 'iam:CreateRole', 'arn:aws:iam::111111111111:role/x', pod);
    const driverTags = judge.eksSessionTags(roleId, pod);
    expect(await judge.trustAllows(roleId, { sessionTags: driverTags })).toBe('Allowed');
    expect(await judge.trustAllows(roleId, {
      sessionTags: { ...driverTags, 'kubernetes-service-account': 'ebs-csi-node-sa' },
    })).not.toBe('Allowed');
  });

  test('its association counts like any other: not among the role\'s PodIdentityAssociations, no namespace warning', () => {
    expect((role as PodIdentityRole).associations).toEqual([]);
    const app = stack.node.root as App;
    expect(messagesOf(app, stack, 'warning')).toEqual([]);
    expect(messagesOf(app, stack, 'error')).toEqual([]);
  });
});

describe.each([
  ['aws-ebs-csi-driver', 'kube-system', 'ebs-csi-controller-sa', ['service-role/AmazonEBSCSIDriverPolicy']],
  ['aws-efs-csi-driver', 'kube-system', 'efs-csi-controller-sa', ['service-role/AmazonEFSCSIDriverPolicy']],
  ['vpc-cni', 'kube-system', 'aws-node', ['AmazonEKS_CNI_Policy']],
  ['amazon-cloudwatch-observability', 'amazon-cloudwatch', 'cloudwatch-agent', ['CloudWatchAgentServerPolicy', 'AWSXrayWriteOnlyAccess']],
  ['aws-privateca-connector-for-kubernetes', 'aws-privateca-issuer', 'aws-privateca-issuer', ['AWSPrivateCAConnectorForKubernetesPolicy']],
])('known add-on %s', (addonName, namespace, serviceAccount, policies) => {
  test(`defaults to ${namespace}/${serviceAccount} with ${policies.join(', ')}`, () => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'Addon', { cluster, addonName });
    const template = Template.fromStack(stack);
    expect(addon.namespace).toBe(namespace);
    const roleId = logicalIdOf(stack, addon.roleOf(serviceAccount));
    expect(addonResource(template, addonName).resource.Properties.PodIdentityAssociations)
      .toEqual([{ ServiceAccount: serviceAccount, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }]);
    const role = template.toJSON().Resources[roleId];
    expect(stack.resolve(role.Properties.ManagedPolicyArns)).toEqual(policies.map(policy =>
      ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${policy}`]] })));
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['aws:RequestTag/kubernetes-namespace']).toEqual(namespace);
  });
});

test('cdk-nag AwsSolutions: the default roles are clean, their documented managed policies acknowledged with the reason', () => {
  const { stack, cluster } = setup();
  const addons = ['aws-ebs-csi-driver', 'aws-efs-csi-driver', 'vpc-cni', 'amazon-cloudwatch-observability']
    .map(addonName => new PodIdentityAddon(stack, addonName, { cluster, addonName }));
  expect(formatFindings(awsSolutionsErrors(stack))).toEqual([]);
  // A managed policy the user chose is not acknowledged for them.
  const mine = new PodIdentityAddon(stack, 'Mine', {
    cluster,
    addonName: 'vendor',
    namespace: 'vendor',
    serviceAccounts: [{ serviceAccount: 'sa', managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')] }],
  });
  expect(formatFindings(awsSolutionsErrors(mine))).toEqual([
    expect.stringContaining('AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonS3ReadOnlyAccess] at TestStack/Mine/sa/Role'),
  ]);
  expect(addons).toHaveLength(4);
});

describe('add-ons that need scoping inputs', () => {
  test.each(['aws-mountpoint-s3-csi-driver', 'aws-fsx-csi-driver'])('%s has no default permissions', (addonName) => {
    const { stack, cluster } = setup();
    expect(() => new PodIdentityAddon(stack, 'Addon', { cluster, addonName }))
      .toThrow(/\[cdk-eks-pod-identity:AddonPermissionsRequired\].*Fix: pass serviceAccounts/);
  });

  test('Mountpoint for S3 with statements for one bucket: IAM simulation allows that bucket only', async () => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'S3', {
      cluster,
      addonName: 'aws-mountpoint-s3-csi-driver',
      serviceAccounts: [{
        serviceAccount: 's3-csi-driver-sa',
        statements: [
          new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::data'] }),
          new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] }),
        ],
      }],
    });
    const judge = IamSimulationJudge.fromStack(stack);
    const roleId = logicalIdOf(stack, addon.roleOf('s3-csi-driver-sa'));
    const pod = { namespace: 'kube-system' };
    await assertPodMay(judge, roleId, 's3:GetObject', 'arn:aws:s3:::data/file', pod);
    await assertPodMayNot(judge, roleId, 's3:GetObject', 'arn:aws:s3:::other/file', pod);
    await assertPodMayNot(judge, roleId, 's3:PutObject', 'arn:aws:s3:::data/file', pod);
  });
});

describe('any other add-on', () => {
  test('with an explicit namespace, service account and role; options rendered', () => {
    const { stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Role');
    const addon = new PodIdentityAddon(stack, 'Custom', {
      cluster,
      addonName: 'some-vendor-addon',
      namespace: 'vendor',
      serviceAccounts: [{ serviceAccount: 'vendor-controller', role }],
      addonVersion: 'v1.2.3-eksbuild.4',
      configurationValues: { replicaCount: 1 },
      preserveOnDelete: false,
      resolveConflicts: ResolveConflicts.PRESERVE,
    });
    expect(addon.roleOf('vendor-controller')).toBe(role);
    const { resource } = addonResource(Template.fromStack(stack), 'some-vendor-addon');
    expect(resource.Properties).toEqual({
      AddonName: 'some-vendor-addon',
      ClusterName: CLUSTER_NAME,
      AddonVersion: 'v1.2.3-eksbuild.4',
      ConfigurationValues: '{"replicaCount":1}',
      PreserveOnDelete: false,
      ResolveConflicts: 'PRESERVE',
      PodIdentityAssociations: [{ ServiceAccount: 'vendor-controller', RoleArn: { 'Fn::GetAtt': [logicalIdOf(stack, role), 'Arn'] } }],
    });
  });

  test('without service accounts: a plain add-on that does not wait for the agent', () => {
    const { stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Dns', { cluster, addonName: 'coredns' });
    const template = Template.fromStack(stack);
    const { resource } = addonResource(template, 'coredns');
    expect(resource.Properties.PodIdentityAssociations).toBeUndefined();
    expect(resource.DependsOn).toBeUndefined();
    template.resourceCountIs(ADDON, 1);
  });

  test('the add-on waits for policies granted to its roles later', () => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'Efs', { cluster, addonName: 'aws-efs-csi-driver' });
    const role = addon.roleOf('efs-csi-controller-sa');
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['arn:aws:kms:us-east-1:111111111111:key/k'] }));
    const template = Template.fromStack(stack);
    const policyId = Object.keys(template.findResources('AWS::IAM::Policy'))[0];
    expect(addonResource(template, 'aws-efs-csi-driver').resource.DependsOn).toEqual(expect.arrayContaining([policyId]));
    expect(addonResource(template, 'aws-efs-csi-driver').resource.DependsOn).not.toContain(logicalIdOf(stack, role));
  });
});

describe('bad input', () => {
  test.each<[string, (stack: Stack, cluster: eks.IClusterRef) => unknown]>([
    ['UseAgentAddon', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'eks-pod-identity-agent' })],
    ['InvalidAddonVersion', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'coredns', addonVersion: '1.11' })],
    ['AddonNamespaceRequired', (stack, cluster) => new PodIdentityAddon(stack, 'A', {
      cluster, addonName: 'vendor', serviceAccounts: [{ serviceAccount: 'sa', role: new PodIdentityRole(stack, 'R') }],
    })],
    ['InvalidNamespace', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'vpc-cni', namespace: 'Kube_System' })],
    ['InvalidServiceAccountName', (stack, cluster) => new PodIdentityAddon(stack, 'A', {
      cluster, addonName: 'aws-ebs-csi-driver', serviceAccounts: [{ serviceAccount: 'EBS' }],
    })],
    ['ConflictingAddonServiceAccountOptions', (stack, cluster) => new PodIdentityAddon(stack, 'A', {
      cluster,
      addonName: 'aws-ebs-csi-driver',
      serviceAccounts: [{ serviceAccount: 'ebs-csi-controller-sa', role: new PodIdentityRole(stack, 'R'), managedPolicies: [] }],
    })],
    ['DuplicateAssociation', (stack, cluster) => new PodIdentityAddon(stack, 'A', {
      cluster,
      addonName: 'aws-ebs-csi-driver',
      serviceAccounts: [{ serviceAccount: 'ebs-csi-controller-sa' }, { serviceAccount: 'ebs-csi-controller-sa' }],
    })],
    ['DuplicateAddon', (stack, cluster) => {
      new PodIdentityAddon(stack, 'A', { cluster, addonName: 'vpc-cni' });
      // Another import of the same cluster name is the same cluster.
      new PodIdentityAddon(stack, 'B', { cluster: importedEksV2Cluster(stack, 'Again', CLUSTER_NAME), addonName: 'vpc-cni' });
    }],
    ['UnknownAddonServiceAccount', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'vpc-cni' }).roleOf('vpc-cni')],
  ])('%s', (id, make) => {
    const { stack, cluster } = setup();
    expect(problemOf(() => make(stack, cluster))).toBe(id);
  });

  test('the message names the value and the fix', () => {
    const { stack, cluster } = setup();
    expect(() => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'coredns', addonVersion: '1.11' }))
      .toThrow(/\[cdk-eks-pod-identity:InvalidAddonVersion\] TestStack\/A: addonVersion "1.11" is not .*Fix: use a version listed by `aws eks describe-addon-versions --addon-name coredns`/);
  });
});

describe('coexisting with the rest of the app', () => {
  test('DuplicateAddon: aws-cdk-lib\'s Addon of the same name for the same cluster', () => {
    const { app, stack } = newStack();
    const cluster = newEksV2Cluster(stack);
    new PodIdentityAddon(stack, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver' });
    new eksv2.Addon(stack, 'HandMade', { cluster, addonName: 'aws-ebs-csi-driver' });
    new eksv2.Addon(stack, 'Other', { cluster, addonName: 'coredns' });
    const errors = messagesOf(app, stack, 'error').filter(m => m.includes('DuplicateAddon'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('at TestStack/Ebs/Resource and at TestStack/HandMade/Resource');
    expect(errors[0]).toContain('Fix: define it once');
  });

  test('no NamespaceNotCreated warning for the namespace the add-on creates itself', () => {
    const { app, stack, cluster } = setup();
    PodIdentityAgentAddon.of(cluster); // the agent is not installed yet, stated (else AgentAddonOnImportedCluster warns)
    new PodIdentityAddon(stack, 'Cw', { cluster, addonName: 'amazon-cloudwatch-observability' });
    new PodIdentityRole(stack, 'Role').associate(cluster, { namespace: 'not-created', serviceAccount: 'sa' });
    const warnings = messagesOf(app, stack, 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('[cdk-eks-pod-identity:NamespaceNotCreated] namespace "not-created"');
  });

  test('the same add-on on two clusters is fine', () => {
    const { app, stack } = newStack();
    new PodIdentityAddon(stack, 'A', { cluster: importedEksV2Cluster(stack, 'One', 'one'), addonName: 'vpc-cni' });
    new PodIdentityAddon(stack, 'B', { cluster: importedEksV2Cluster(stack, 'Two', 'two'), addonName: 'vpc-cni' });
    expect(messagesOf(app, stack, 'error')).toEqual([]);
  });

  test('DuplicateAssociation: a PodIdentityAssociation for the add-on\'s service account', () => {
    const { app, stack, cluster } = setup();
    new PodIdentityAddon(stack, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver' });
    new PodIdentityAssociation(stack, 'Mine', {
      cluster, role: new PodIdentityRole(stack, 'Role'), namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa',
    });
    const errors = messagesOf(app, stack, 'error').filter(m => m.includes('DuplicateAssociation'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('kube-system/ebs-csi-controller-sa');
    expect(errors[0]).toContain('at TestStack/Ebs/ebs-csi-controller-sa and at TestStack/Mine');
  });

  test('a role shared by an add-on and a workload association trusts both service accounts', () => {
    const { stack, cluster } = setup();
    const role = new PodIdentityRole(stack, 'Shared', { scopeTrustToAssociations: true });
    new PodIdentityAddon(stack, 'Cw', {
      cluster, addonName: 'amazon-cloudwatch-observability', serviceAccounts: [{ serviceAccount: 'cloudwatch-agent', role }],
    });
    role.associate(cluster, { namespace: 'apps', serviceAccount: 'collector' });
    const trust = Template.fromStack(stack).toJSON().Resources[logicalIdOf(stack, role)].Properties.AssumeRolePolicyDocument;
    // One statement per association (the add-on's and the workload's), each for exactly its service account.
    expect(trust.Statement.map((statement: any) => [
      statement.Condition.StringEquals['aws:RequestTag/kubernetes-namespace'],
      statement.Condition.StringEquals['aws:RequestTag/kubernetes-service-account'],
    ])).toEqual([['amazon-cloudwatch', 'cloudwatch-agent'], ['apps', 'collector']]);
    expect(role.associations.map(a => a.serviceAccount)).toEqual(['collector']);
  });

  test('on an EKS Auto Mode cluster the add-on creates no agent add-on and waits for none', () => {
    const { stack } = newStack();
    const cluster = newAutoModeCluster(stack);
    new PodIdentityAddon(stack, 'Efs', { cluster, addonName: 'aws-efs-csi-driver' });
    const template = Template.fromStack(stack);
    template.resourceCountIs(ADDON, 1);
    expect(addonResource(template, 'aws-efs-csi-driver').resource.DependsOn).toBeUndefined();
  });

  test('in another stack than the imported cluster', () => {
    const app = new App();
    const clusterStack = new Stack(app, 'Clusters', { env: ENV });
    const cluster = importedEksV2Cluster(clusterStack, 'Cluster', CLUSTER_NAME);
    const platform = new Stack(app, 'Platform', { env: ENV });
    new PodIdentityAddon(platform, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver' });
    // The agent lives with the cluster (one per cluster app-wide), the add-on where it was defined.
    addonResource(Template.fromStack(platform), 'aws-ebs-csi-driver');
    Template.fromStack(platform).resourceCountIs(ADDON, 1);
    addonResource(Template.fromStack(clusterStack), PodIdentityAgentAddon.ADDON_NAME);
    Template.fromStack(clusterStack).resourceCountIs(ADDON, 1);
  });
});

describe('messages, namespaces and metadata', () => {
  test.each<[string, (stack: Stack, cluster: eks.IClusterRef) => unknown, RegExp]>([
    ['UseAgentAddon', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'eks-pod-identity-agent' }),
      /PodIdentityAddon was given addonName "eks-pod-identity-agent", the Pod Identity Agent itself.*Fix: use PodIdentityAgentAddon\.of\(cluster\)/],
    ['InvalidAddonVersion', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'coredns', addonVersion: '1.11' }),
      /v1\.45\.0-eksbuild\.2/],
    ['AddonNamespaceRequired', (stack, cluster) => new PodIdentityAddon(stack, 'A', {
      cluster, addonName: 'vendor', serviceAccounts: [{ serviceAccount: 'sa', role: new PodIdentityRole(stack, 'R') }],
    }), /add-on "vendor" has service accounts \["sa"\] but its namespace is not known.*Fix: set namespace to the namespace the add-on runs in/],
    ['ConflictingAddonServiceAccountOptions', (stack, cluster) => new PodIdentityAddon(stack, 'A', {
      cluster,
      addonName: 'aws-ebs-csi-driver',
      serviceAccounts: [{ serviceAccount: 'ebs-csi-controller-sa', role: new PodIdentityRole(stack, 'R'), managedPolicies: [] }],
    }), /service account "ebs-csi-controller-sa" of add-on "aws-ebs-csi-driver" has both a role and managedPolicies\/statements.*Fix: give the permissions to your role where it is defined/],
    ['DuplicateAssociation', (stack, cluster) => new PodIdentityAddon(stack, 'A', {
      cluster,
      addonName: 'aws-ebs-csi-driver',
      serviceAccounts: [{ serviceAccount: 'ebs-csi-controller-sa' }, { serviceAccount: 'ebs-csi-controller-sa' }],
    }), /service account "ebs-csi-controller-sa" is listed twice in the aws-ebs-csi-driver add-on at TestStack\/A.*Fix: list it once/],
    ['DuplicateAddon', (stack, cluster) => {
      new PodIdentityAddon(stack, 'A', { cluster, addonName: 'vpc-cni' });
      new PodIdentityAddon(stack, 'B', { cluster, addonName: 'vpc-cni' });
    }, /the vpc-cni add-on of cluster .*prod.* is already defined at TestStack\/A; EKS allows one add-on of a name per cluster.*Fix: define it once/],
    ['UnknownAddonServiceAccount', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'vpc-cni' }).roleOf('vpc-cni'),
      /add-on "vpc-cni" at TestStack\/A has no service account "vpc-cni"; it has \["aws-node"\].*Fix: ask for one of those/],
    ['AddonPermissionsRequired', (stack, cluster) => new PodIdentityAddon(stack, 'A', { cluster, addonName: 'aws-fsx-csi-driver' }),
      /add-on "aws-fsx-csi-driver" \(service account kube-system\/[a-z-]+\) calls AWS APIs but has no default permissions here: \S/],
  ])('%s names the value and the fix', (id, make, message) => {
    const { stack, cluster } = setup();
    expect(() => make(stack, cluster)).toThrow(new RegExp(`\\[cdk-eks-pod-identity:${id}\\]`));
    const again = setup();
    expect(() => make(again.stack, again.cluster)).toThrow(message);
  });

  test('AddonNamespaceMismatch: a known add-on in another namespace than its documented one fails the synthesis', () => {
    const { stack, cluster } = setup();
    new PodIdentityAddon(stack, 'A', { cluster, addonName: 'vpc-cni', namespace: 'networking' });
    expect(() => Template.fromStack(stack))
      .toThrow(/\[cdk-eks-pod-identity:AddonNamespaceMismatch\] add-on "vpc-cni" runs its service accounts \["aws-node"\] in its documented namespace "kube-system", but namespace is "networking".*Fix: set namespace to "kube-system" \(or omit it for a known add-on\), or install the add-on in "networking" with addon.resource.namespaceConfig = \{ namespace: "networking" \}/);
  });

  test.each([
    ['resource.namespaceConfig', (addon: PodIdentityAddon) => { addon.resource.namespaceConfig = { namespace: 'storage' }; }],
    ['a property override', (addon: PodIdentityAddon) => addon.resource.addPropertyOverride('NamespaceConfig.Namespace', 'storage')],
  ])('a known add-on moved to a custom namespace with %s has its associations there', (_how, move) => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'A', { cluster, addonName: 'aws-ebs-csi-driver', namespace: 'storage' });
    move(addon);
    const template = Template.fromStack(stack);
    const { resource } = addonResource(template, 'aws-ebs-csi-driver');
    expect(resource.Properties.NamespaceConfig).toEqual({ Namespace: 'storage' });
    // The role trusts the service account in the namespace the add-on runs in.
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).toContain('storage');
  });

  test('AddonNamespaceMismatch: an add-on moved with the escape hatch while its associations stay in the documented namespace', () => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'A', { cluster, addonName: 'aws-ebs-csi-driver' });
    addon.resource.namespaceConfig = { namespace: 'storage' };
    expect(() => Template.fromStack(stack))
      .toThrow(/AddonNamespaceMismatch\] add-on "aws-ebs-csi-driver" runs its service accounts \["ebs-csi-controller-sa"\] in namespace "storage" \(resource.namespaceConfig\), but namespace is "kube-system".*Fix: set namespace to "storage"/);
  });

  test('an add-on this library does not know: the custom namespace must match the namespace given', () => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'A', { cluster, addonName: 'my-addon', namespace: 'tools', serviceAccounts: [{ serviceAccount: 'agent' }] });
    addon.resource.namespaceConfig = { namespace: 'other' };
    expect(() => Template.fromStack(stack)).toThrow(/AddonNamespaceMismatch\] add-on "my-addon" runs its service accounts \["agent"\] in namespace "other"/);
    const ok = setup();
    new PodIdentityAddon(ok.stack, 'A', { cluster: ok.cluster, addonName: 'my-addon', namespace: 'tools', serviceAccounts: [{ serviceAccount: 'agent' }] });
    expect(() => Template.fromStack(ok.stack)).not.toThrow();
  });

  test('an add-on given no service accounts makes no association, so another namespace than its own is not a mismatch', () => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'A', { cluster, addonName: 'my-addon', namespace: 'tools', serviceAccounts: [] });
    addon.resource.namespaceConfig = { namespace: 'other' };
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    expect(addonResource(template, 'my-addon').resource.Properties.NamespaceConfig).toEqual({ Namespace: 'other' });
  });

  test('a known add-on accepts its documented namespace given explicitly, and a token', () => {
    const { stack, cluster } = setup();
    const given = new PodIdentityAddon(stack, 'A', { cluster, addonName: 'vpc-cni', namespace: 'kube-system' });
    expect(given.namespace).toBe('kube-system');
    const other = setup();
    const token = new CfnParameter(other.stack, 'Ns').valueAsString;
    expect(new PodIdentityAddon(other.stack, 'B', { cluster: other.cluster, addonName: 'vpc-cni', namespace: token }).namespace).toBe(token);
  });

  test('depending on the add-on means depending on its CloudFormation add-on only, not on its roles', () => {
    const { stack, cluster } = setup();
    const addon = new PodIdentityAddon(stack, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver' });
    const after = new CfnResource(stack, 'After', { type: 'Custom::After' });
    after.node.addDependency(addon);
    const template = Template.fromStack(stack).toJSON();
    expect(template.Resources.After.DependsOn).toEqual([logicalIdOf(stack, addon)]);
  });

  test('the role it creates is described, and only the documented policies are acknowledged for cdk-nag', () => {
    const { stack, cluster } = setup();
    const ebs = new PodIdentityAddon(stack, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver' });
    const acknowledged = (construct: IConstruct) => construct.node.metadata
      .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map(m => m.data);
    const role = ebs.roleOf('ebs-csi-controller-sa');
    expect(acknowledged(role)).toEqual([{
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy]':
        'The EKS User Guide names the AWS managed service-role/AmazonEBSCSIDriverPolicy as the permissions of the aws-ebs-csi-driver add-on; AWS keeps it in step with the add-on\'s API calls.',
    }]);
    expect(Template.fromStack(stack).toJSON().Resources[logicalIdOf(stack, role)].Properties.Description)
      .toBe('EKS Pod Identity role of the aws-ebs-csi-driver add-on (kube-system/ebs-csi-controller-sa)');
    // Neither a role the add-on creates from the user's permissions nor the user's own role gets an acknowledgement.
    const mine = new PodIdentityRole(stack, 'Mine');
    const custom = new PodIdentityAddon(stack, 'Custom', {
      cluster,
      addonName: 'vendor',
      namespace: 'vendor',
      serviceAccounts: [
        { serviceAccount: 'created', managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')] },
        { serviceAccount: 'given', role: mine },
      ],
    });
    expect(acknowledged(custom.roleOf('created'))).toEqual([]);
    expect(acknowledged(mine)).toEqual([]);
  });
});
