// Acknowledgements of permissions-report findings: written into the template (resource Metadata, as cdk-nag's
// `cdk_nag.rules_to_suppress`) so the report, which reads only the cloud assembly, sees them. The constructs and the
// presets write them here; the report reads the same key.
import { CfnResource } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { kindOf, problem, quote } from './errors';

/** The resource Metadata key that holds `[{ id, reason }]`. */
export const ACKNOWLEDGEMENTS_METADATA_KEY = 'cdk-eks-pod-identity:acknowledgements';

/** The shortest reason accepted (as cdk-nag's suppressions: a reason a reviewer can read, not `ok`). */
export const MIN_REASON_LENGTH = 10;

/** The ids of the report's findings (kept equal to `FindingId`'s constants by a test). */
export const FINDING_IDS = [
  'WildcardAction', 'WildcardResourceOnWrite', 'UnscopedTrust', 'TrustedBeyondPodIdentity', 'NotTrustedByPodIdentity',
  'RoleNotInAssembly', 'PolicyNotInAssembly',
];

/** Resource types whose acknowledgements the report reads (the association, its roles and their policies). */
const ACKNOWLEDGEABLE_TYPES = [
  'AWS::EKS::PodIdentityAssociation', 'AWS::EKS::Addon', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::RolePolicy',
  'AWS::IAM::ManagedPolicy',
];

export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * What is wrong with one acknowledgement (`undefined` when nothing): an unknown id, a reason that is missing, not a
 * string, or shorter than {@link MIN_REASON_LENGTH}.
 */
export function acknowledgementProblem(ack: { readonly id?: unknown; readonly reason?: unknown }): string | undefined {
  if (typeof ack.id !== 'string' || !FINDING_IDS.includes(ack.id)) {
    return `id ${quote(ack.id ?? null)} is not a finding id of the report (${FINDING_IDS.join(', ')})`;
  }
  if (typeof ack.reason !== 'string' || ack.reason.trim().length < MIN_REASON_LENGTH) {
    return `the reason for ${ack.id} is ${quote(ack.reason ?? null)}: a reason of at least ${MIN_REASON_LENGTH} characters is required`;
  }
  return undefined;
}

/**
 * Records `acknowledgements` in the Metadata of the CloudFormation resources `scope` stands for: its default child
 * when that is a resource (a role's `AWS::IAM::Role`), or else every association, add-on, role and policy under it.
 */
export function acknowledgeFindings(scope: IConstruct, acknowledgements: Acknowledgement[]): void {
  // Callers from JavaScript are not type-checked: every shape gets this error, never a TypeError.
  if (!Construct.isConstruct(scope)) {
    throw problem('InvalidAcknowledgement', `the scope is ${kindOf(scope)}${typeof scope === 'string' ? ` ${quote(scope)}` : ''}, not a construct`,
      'pass the role, policy, association, workload or stack whose findings are acknowledged');
  }
  const fix = 'give an array of finding ids with the reason each is acceptable, e.g. [{ id: \'WildcardResourceOnWrite\', reason: \'the API has no resource-level permissions\' }]';
  if (!Array.isArray(acknowledgements)) {
    throw problem('InvalidAcknowledgement', `${scope.node.path}: acknowledgements is ${kindOf(acknowledgements)}, not an array of { id, reason }`, fix);
  }
  acknowledgements.forEach((ack, index) => {
    const at = `${scope.node.path}: acknowledgements[${index}]`;
    if (typeof ack !== 'object' || ack === null || Array.isArray(ack)) {
      throw problem('InvalidAcknowledgement', `${at} is ${kindOf(ack)}, not an object { id, reason }`, fix);
    }
    const wrong = acknowledgementProblem(ack);
    if (wrong) throw problem('InvalidAcknowledgement', `${at}: ${wrong}`, fix);
  });
  const resources = resourcesOf(scope);
  if (resources.length === 0) {
    throw problem('InvalidAcknowledgement', `${scope.node.path} is not and holds no association, add-on, role or policy`,
      'acknowledge on the role, the association, the workload, the policy or the stack that holds them');
  }
  for (const resource of resources) {
    const existing = resource.getMetadata(ACKNOWLEDGEMENTS_METADATA_KEY) as Acknowledgement[] | undefined ?? [];
    const added = acknowledgements.map(({ id, reason }) => ({ id, reason: reason.trim() }))
      .filter(ack => !existing.some(e => e.id === ack.id && e.reason === ack.reason));
    resource.addMetadata(ACKNOWLEDGEMENTS_METADATA_KEY, [...existing, ...added]);
  }
}

function resourcesOf(scope: IConstruct): CfnResource[] {
  const child = scope.node.defaultChild;
  if (CfnResource.isCfnResource(scope)) return [scope];
  if (child && CfnResource.isCfnResource(child)) return [child];
  return scope.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && ACKNOWLEDGEABLE_TYPES.includes(c.cfnResourceType));
}

/** Action names (after `service:`) that only read; anything else counts as a write (the report's rule). */
export const READ_ACTION = /^(Get|List|Describe|BatchGet|Query|Scan|Head|Search|Select|Lookup|View|Read)/;

/** Whether an IAM action (`s3:PutObject`) writes, by the report's rule. */
export function isWriteAction(action: string): boolean {
  return !READ_ACTION.test(action.slice(action.indexOf(':') + 1));
}
