// How a preset is given to a role (WellKnownPolicy._attachTo): its AWS managed policies, what the registry records,
// its statements cut into customer managed policies of at most 5,800 characters each, their descriptions, and the
// cdk-nag and report acknowledgements on them. Hand-made definitions (through the private constructor) pin the
// budget to the character and every CloudFormation form a resource can take.
import { App, CfnParameter, CfnResource, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { PodIdentityRole, WellKnownPolicy } from '../../lib';
import { Grant } from '../../lib/policies/grants';
import { ACKNOWLEDGEMENTS_METADATA_KEY } from '../../lib/private/acknowledgements';
import { Registry } from '../../lib/private/registry';
import { awsSolutionsFindings, formatFindings } from '../judges/cdk-nag';

const BUDGET = 5_800;
const REASON = 'names chosen at run time by the software';

/** A preset made from a hand-written definition, as the presets' modules make theirs. */
function custom(grants: Grant[], name = 'Custom'): WellKnownPolicy {
  return new (WellKnownPolicy as any)({ name, namespace: 'tools', serviceAccount: 'runner', grants }, {});
}

function roleWith(...presets: Array<(stack: Stack) => WellKnownPolicy>) {
  const stack = new Stack(new App(), 'S');
  const role = new PodIdentityRole(stack, 'Role', { wellKnownPolicies: presets.map(preset => preset(stack)) });
  return { stack, role };
}

/** The customer managed policies the presets made on the role, by construct id. */
function presetPolicies(role: IConstruct): iam.ManagedPolicy[] {
  return role.node.children.filter((child): child is iam.ManagedPolicy => child instanceof iam.ManagedPolicy);
}

/** The report's acknowledgements on a policy (metadata of its CloudFormation resource), if any. */
function reportAcknowledgements(policy: iam.ManagedPolicy): unknown {
  return (policy.node.defaultChild as CfnResource).getMetadata(ACKNOWLEDGEMENTS_METADATA_KEY);
}

function nagAcknowledgements(scope: IConstruct): Array<Record<string, string>> {
  return scope.node.metadata.filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map(entry => entry.data);
}

/** The length a statement counts for against the budget: its JSON, CloudFormation intrinsics unresolved. */
function measured(stack: Stack, grant: Grant): number {
  return JSON.stringify(stack.resolve(new iam.PolicyStatement({ actions: grant.actions, resources: grant.resources }).toStatementJson())).length;
}

/** A grant on one object ARN of `size` characters (as measured). */
function grantOfSize(stack: Stack, size: number, key: string): Grant {
  const base: Grant = { actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bucket/${key}`] };
  const padding = size - measured(stack, base);
  if (padding < 0) throw new Error(`a grant cannot be as short as ${size}`);
  return { actions: base.actions, resources: [`arn:aws:s3:::bucket/${key}${'x'.repeat(padding)}`] };
}

describe('the preset itself', () => {
  test('its AWS managed policies are listed as managed policies', () => {
    const policies = WellKnownPolicy.ebsCsiDriver().managedPolicies;
    expect(policies).toHaveLength(1);
    expect(policies[0].managedPolicyArn).toMatch(/:iam::aws:policy\/service-role\/AmazonEBSCSIDriverPolicy$/);
  });

  test('the same preset twice on one role: the exact error with its fix', () => {
    const { stack, role } = roleWith(scope => WellKnownPolicy.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(scope, 'Zone', 'Z1')] }));
    expect(() => role.addWellKnownPolicy(WellKnownPolicy.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone2', 'Z2')] }))).toThrow(
      '[cdk-eks-pod-identity:DuplicateWellKnownPolicy] role S/Role already has WellKnownPolicy "ExternalDns". Fix: attach each preset once per role; to widen its scope, pass all values (zones, buckets, keys...) in one call');
  });
});

describe('what the registry records', () => {
  test('each preset with its policies, session tags and whether it is pinned to the stack\'s region', () => {
    const { role } = roleWith(
      stack => WellKnownPolicy.karpenter({ nodeRoles: [iam.Role.fromRoleName(stack, 'Node', 'KarpenterNode')] }),
      stack => WellKnownPolicy.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')] }),
    );
    const policies = presetPolicies(role);
    expect(policies.map(policy => policy.node.id)).toEqual(['WellKnownPolicyKarpenter', 'WellKnownPolicyKarpenter2', 'WellKnownPolicyExternalDns']);
    expect(Registry.of(role).presetsOf(role)).toEqual([
      { name: 'Karpenter', sessionTagKeys: ['eks-cluster-name'], pinnedToRegion: true, policies: policies.slice(0, 2) },
      { name: 'ExternalDns', sessionTagKeys: [], pinnedToRegion: false, policies: [policies[2]] },
    ]);
  });

  test('a preset of AWS managed policies alone has no policy of its own', () => {
    const { role } = roleWith(() => WellKnownPolicy.ebsCsiDriver());
    expect(Registry.of(role).presetsOf(role)).toEqual([{ name: 'EbsCsiDriver', sessionTagKeys: [], pinnedToRegion: false, policies: [] }]);
  });
});

describe('statements cut into managed policies of at most 5,800 characters', () => {
  const ids = (role: IConstruct) => presetPolicies(role).map(policy => policy.node.id);
  const statementCounts = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
    .map(policy => [policy.Properties.PolicyDocument.Statement].flat().length);

  test('statements measuring exactly the budget stay in one policy', () => {
    const { stack, role } = roleWith(scope => custom([grantOfSize(scope, 2_000, 'a'), grantOfSize(scope, BUDGET - 2_000, 'b')]));
    expect(ids(role)).toEqual(['WellKnownPolicyCustom']);
    expect(statementCounts(stack)).toEqual([2]);
  });

  test('one character more starts a second policy', () => {
    const { stack, role } = roleWith(scope => custom([grantOfSize(scope, 2_000, 'a'), grantOfSize(scope, BUDGET - 1_999, 'b')]));
    expect(ids(role)).toEqual(['WellKnownPolicyCustom', 'WellKnownPolicyCustom2']);
    expect(statementCounts(stack)).toEqual([1, 1]);
  });

  test('statements are added in order until the next would not fit', () => {
    const { stack, role } = roleWith(scope => custom([2_500, 2_500, 2_500, 2_500, 2_500].map((size, index) => grantOfSize(scope, size, `k${index}`))));
    expect(ids(role)).toEqual(['WellKnownPolicyCustom', 'WellKnownPolicyCustom2', 'WellKnownPolicyCustom3']);
    expect(statementCounts(stack)).toEqual([2, 2, 1]);
  });

  test('a statement larger than the budget alone is one policy, with no empty policy before it', () => {
    const { stack, role } = roleWith(scope => custom([grantOfSize(scope, BUDGET + 100, 'big')]));
    expect(ids(role)).toEqual(['WellKnownPolicyCustom']);
    expect(statementCounts(stack)).toEqual([1]);
  });
});

describe('the preset\'s policies', () => {
  test('are described with the preset, its namespace and service account', () => {
    const { stack } = roleWith(scope => WellKnownPolicy.externalDns({
      hostedZones: [route53.HostedZone.fromHostedZoneId(scope, 'Zone', 'Z1')], namespace: 'dns', serviceAccount: 'edns',
    }));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: 'ExternalDns (dns/edns): cdk-eks-pod-identity WellKnownPolicy',
    });
  });

  test('without wildcards, carry no acknowledgement, and nor does the role', () => {
    const { role } = roleWith(() => WellKnownPolicy.amazonManagedPrometheus({ workspaceArns: ['arn:aws:aps:us-east-1:111111111111:workspace/ws-1'] }));
    const [policy] = presetPolicies(role);
    expect(policy.node.id).toEqual('WellKnownPolicyAmazonManagedPrometheus');
    expect(nagAcknowledgements(policy)).toEqual([]);
    expect(nagAcknowledgements(role)).toEqual([]);
    expect(reportAcknowledgements(policy)).toBeUndefined();
  });

  test('a wildcard resource without a reason is a bug of the preset: synthesis stops with the resource', () => {
    expect(() => roleWith(() => custom([{ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }]))).toThrow(
      new Error('WellKnownPolicy Custom: resource arn:aws:s3:::bucket/* has a wildcard and no reason (a bug in cdk-eks-pod-identity)'));
  });

  test('the report\'s acknowledgement joins the distinct reasons of the "*" writes, each once, in order', () => {
    const { role } = roleWith(() => custom([
      { actions: ['sqs:SendMessage'], resources: ['*'], wildcardReason: 'the first reason, for queues' },
      { actions: ['sns:Publish'], resources: ['*'], wildcardReason: 'the second reason, for topics' },
      { actions: ['sqs:DeleteMessage'], resources: ['*'], wildcardReason: 'the first reason, for queues' },
      { actions: ['sqs:GetQueueUrl', 'sqs:ListQueues'], resources: ['*'], wildcardReason: 'reads only, not counted' },
    ]));
    const [policy] = presetPolicies(role);
    expect(reportAcknowledgements(policy)).toEqual([{
      id: 'WildcardResourceOnWrite',
      reason: 'Custom preset (upstream policy): the first reason, for queues; the second reason, for topics',
    }]);
  });
});

describe('cdk-nag acknowledgements name each wildcard resource as cdk-nag does', () => {
  // One resource per form CloudFormation gives it; cdk-nag flattens each (Ref as <Id>, GetAtt as <Id.Attr>, ...).
  function resources(stack: Stack): Record<string, string> {
    const prefix = new CfnParameter(stack, 'Prefix');
    const bucket = new s3.CfnBucket(stack, 'Bucket');
    return {
      'a literal': 'arn:aws:s3:::literal/*',
      'a join with a Ref and a pseudo parameter': `arn:${stack.partition}:s3:::${prefix.valueAsString}/*`,
      'a GetAtt': `${bucket.attrArn}/*`,
      'a Sub': Fn.sub('arn:${AWS::Partition}:s3:::sub-${AWS::AccountId}/*'),
      'an ImportValue': `${Fn.importValue('SharedBucketArn')}/*`,
      'another intrinsic (Select), as JSON': `${Fn.select(0, Fn.split(',', prefix.valueAsString))}/*`,
      'a GetAtt without its attribute': `${Token.asString({ 'Fn::GetAtt': ['Bucket'] })}/*`,
    };
  }

  test('each acknowledged under the name cdk-nag reports, so cdk-nag reports none', () => {
    const { stack, role } = roleWith(scope => custom(Object.values(resources(scope)).map(resource => ({
      actions: ['s3:GetObject'], resources: [resource], wildcardReason: REASON,
    }))));
    const bucketId = stack.resolve((stack.node.findChild('Bucket') as s3.CfnBucket).logicalId);
    expect(Object.keys(Object.assign({}, ...nagAcknowledgements(presetPolicies(role)[0])))).toEqual([
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::literal/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<Prefix>/*]',
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::sub-<AWS::AccountId>/*]',
      'AwsSolutions-IAM5[Resource::SharedBucketArn/*]',
      'AwsSolutions-IAM5[Resource::{"Fn::Select":[0,{"Fn::Split":[",",{"Ref":"Prefix"}]}]}/*]',
      'AwsSolutions-IAM5[Resource::<Bucket.>/*]',
    ]);
    expect(formatFindings(awsSolutionsFindings(stack)).filter(finding => finding.startsWith('AwsSolutions-IAM5'))).toEqual([]);
  });
});
