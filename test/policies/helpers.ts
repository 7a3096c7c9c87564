// One role per preset, associated with the preset's service account on an imported cluster `c`, ready for the
// IAM simulation judge.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { PodIdentityRole, WellKnownPolicy } from '../../lib';
import { FAKE_ACCOUNT, FAKE_REGION, IamSimulationJudge } from '../judges/iam-simulation';

export const CLUSTER_NAME = 'c';
export const OTHER_ACCOUNT = '222222222222';

/** An ARN in the judge's fake account and region. */
export function arn(service: string, resource: string, account = FAKE_ACCOUNT, region = FAKE_REGION): string {
  return `arn:aws:${service}:${region}:${account}:${resource}`;
}

export interface PresetFixture {
  readonly stack: Stack;
  readonly role: PodIdentityRole;
  readonly policy: WellKnownPolicy;
  readonly template: Template;
  readonly judge: IamSimulationJudge;
}

/** A stack whose one role carries the preset built by `build`, associated as the preset says. */
export function roleWith(build: (stack: Stack) => WellKnownPolicy): PresetFixture {
  const stack = new Stack(new App(), 'Presets');
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: CLUSTER_NAME });
  const policy = build(stack);
  const role = new PodIdentityRole(stack, 'Role', { wellKnownPolicies: [policy] });
  role.associate(cluster, { namespace: policy.namespace, serviceAccount: policy.serviceAccount });
  const template = Template.fromStack(stack);
  return { stack, role, policy, template, judge: IamSimulationJudge.fromTemplate(template, stack) };
}

/** The resolved documents of the customer managed policies the preset made (one per 6,144 characters). */
export function presetDocuments(fixture: PresetFixture): any[] {
  const ids = Object.keys(fixture.template.findResources('AWS::IAM::ManagedPolicy'));
  return fixture.judge.identityPolicies(fixture.judge.roleLogicalId(fixture.role))
    .filter(policy => ids.includes(policy.name))
    .map(policy => policy.policy);
}

/** The statements of the preset's own policies, resolved. */
export function presetStatements(fixture: PresetFixture): any[] {
  const documents = presetDocuments(fixture);
  if (documents.length === 0) throw new Error('the preset made no policy of its own');
  return documents.flatMap(document => [document.Statement].flat());
}

/** Every resource named by the preset's statements, resolved with the judge's fake values. */
export function presetResources(fixture: PresetFixture): string[] {
  return presetStatements(fixture).flatMap(statement => [statement.Resource].flat());
}

/** The AWS managed policy names attached to the role. */
export function awsManagedPolicyNames(fixture: PresetFixture): string[] {
  const role = fixture.template.toJSON().Resources[fixture.judge.roleLogicalId(fixture.role)];
  return (role.Properties.ManagedPolicyArns ?? [])
    .map((value: any) => fixture.judge.resolve(value))
    .filter((value: string) => value.startsWith('arn:aws:iam::aws:policy/'))
    .map((value: string) => value.replace('arn:aws:iam::aws:policy/', ''));
}
