// Builds the report's entries from a cloud assembly: one per Pod Identity association (AWS::EKS::PodIdentityAssociation
// and the PodIdentityAssociations of AWS::EKS::Addon), each with its role(s), policies, trust scope and findings.
import { CloudAssembly, Json, Located, Template, isObject, sortedEntries } from './assembly';
import { knownAddon } from '../private/eks-facts';
import { FindingId, FindingSeverity, PodIdentityReportEntry, PolicyKind, ReportFinding, ReportPolicy, ReportRole } from './model';

/** Resource types of EKS clusters (aws-eks-v2's, and aws-eks's custom resource). */
const CLUSTER_TYPES = ['AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster'];

const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';
// The partition may be a placeholder (`arn:${AWS::Partition}:iam::aws:policy/...`).
const AWS_MANAGED_POLICY_ARN = /^arn:.*?:iam::aws:policy\/(.+)$/;
/** AWS managed policies that grant every action (of a service, or of all): reported like a `*` action. */
const BROAD_AWS_MANAGED_POLICY = /^(AdministratorAccess|PowerUserAccess|.*FullAccess)$/;
/** Action names (after `service:`) that only read. Anything else counts as a write. */
const READ_ACTION = /^(Get|List|Describe|BatchGet|Query|Scan|Head|Search|Select|Lookup|View|Read)/;
interface RoleRef {
  readonly template: Template;
  readonly logicalId: string;
}

interface AttachedPolicy {
  readonly kind: PolicyKind;
  readonly template: Template;
  readonly logicalId: string;
  readonly resource: Json;
}

/** Everything the assembly says about Pod Identity associations, sorted by stack, cluster, namespace, service account. */
export function analyzeAssembly(assembly: CloudAssembly): PodIdentityReportEntry[] {
  return new Analysis(assembly).entries();
}

class Analysis {
  private readonly attached = new Map<string, AttachedPolicy[]>();
  private readonly rolesByName = new Map<string, RoleRef>();
  private readonly managedPolicies = new Map<string, Located>();

  constructor(private readonly assembly: CloudAssembly) {
    for (const template of assembly.templates) {
      for (const [logicalId, resource] of sortedEntries(template.resources)) {
        if (resource.Type === 'AWS::IAM::Role' && typeof resource.Properties?.RoleName === 'string') {
          this.rolesByName.set(resource.Properties.RoleName, { template, logicalId });
        }
        if (resource.Type === 'AWS::IAM::ManagedPolicy' && typeof resource.Properties?.ManagedPolicyName === 'string') {
          this.managedPolicies.set(resource.Properties.ManagedPolicyName, { template, logicalId });
        }
      }
    }
    for (const template of assembly.templates) {
      for (const [logicalId, resource] of sortedEntries(template.resources)) {
        const props = resource.Properties ?? {};
        const kind = resource.Type === 'AWS::IAM::ManagedPolicy' ? PolicyKind.CUSTOMER_MANAGED
          : resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::RolePolicy' ? PolicyKind.ATTACHED : undefined;
        if (!kind) continue;
        const roles = resource.Type === 'AWS::IAM::RolePolicy' ? [props.RoleName] : props.Roles ?? [];
        for (const roleValue of roles) {
          const role = this.roleByName(roleValue, template);
          if (!role) continue;
          const key = roleKey(role);
          this.attached.set(key, [...this.attached.get(key) ?? [], { kind, template, logicalId, resource }]);
        }
      }
    }
  }

  public entries(): PodIdentityReportEntry[] {
    const entries: PodIdentityReportEntry[] = [];
    for (const template of this.assembly.templates) {
      for (const [logicalId, resource] of sortedEntries(template.resources)) {
        const props = resource.Properties ?? {};
        if (resource.Type === 'AWS::EKS::PodIdentityAssociation') {
          entries.push(this.entry(template, logicalId, resource.Type, props, props.Namespace));
        } else if (resource.Type === 'AWS::EKS::Addon' && Array.isArray(props.PodIdentityAssociations)) {
          const addonName = String(props.AddonName);
          const namespace = props.NamespaceConfig?.Namespace ?? knownAddon(addonName)?.namespace ?? `\${Addon:${addonName}.Namespace}`;
          for (const association of props.PodIdentityAssociations) {
            entries.push(this.entry(template, logicalId, resource.Type, { ...association, ClusterName: props.ClusterName }, namespace));
          }
        }
      }
    }
    const key = (e: PodIdentityReportEntry) => [e.stack, e.cluster, e.namespace, e.serviceAccount, e.logicalId];
    return entries.sort((a, b) => compareLists(key(a), key(b)));
  }

  private entry(template: Template, logicalId: string, resourceType: string, props: Json, namespaceValue: Json): PodIdentityReportEntry {
    const placeholders = new Map<string, Json>();
    const render = (value: Json) => this.assembly.render(value, template, placeholders);
    const cluster = render(props.ClusterName);
    const namespace = render(namespaceValue);
    const serviceAccount = render(props.ServiceAccount);
    const findings: ReportFinding[] = [];

    const role = this.role(props.RoleArn, template, placeholders, findings, 'role');
    findings.push(...trustFindings(role));
    const targetRole = props.TargetRoleArn === undefined ? undefined
      : this.role(props.TargetRoleArn, template, placeholders, findings, 'target role');
    for (const reportRole of [role, targetRole]) {
      if (reportRole) findings.push(...permissionFindings(reportRole));
    }

    const sessionTagsEnabled = !(props.DisableSessionTags === true || props.DisableSessionTags === 'true');
    const sessionTags: Record<string, string> = {};
    if (sessionTagsEnabled) {
      // A cluster of the assembly is known by its ARN attribute (as a trust scoped by cluster ARN names it); any
      // other by the ARN EKS builds from the name.
      const located = this.assembly.locate(props.ClusterName, template);
      const clusterArn = located && CLUSTER_TYPES.includes(located.template.resources[located.logicalId]?.Type)
        ? this.assembly.render({ 'Fn::GetAtt': [located.logicalId, 'Arn'] }, located.template, placeholders)
        : render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster/']] }) + cluster;
      placeholders.set('PodName', 'the name of the pod (differs per pod)');
      placeholders.set('PodUid', 'the uid of the pod (differs per pod)');
      Object.assign(sessionTags, {
        'eks-cluster-arn': clusterArn,
        'eks-cluster-name': cluster,
        'kubernetes-namespace': namespace,
        'kubernetes-service-account': serviceAccount,
        'kubernetes-pod-name': '${PodName}',
        'kubernetes-pod-uid': '${PodUid}',
      });
    }
    let sessionPolicy: Json;
    if (props.Policy !== undefined) {
      const text = render(props.Policy);
      try {
        sessionPolicy = JSON.parse(text);
      } catch {
        sessionPolicy = text;
      }
    }

    return {
      stack: template.name,
      logicalId,
      resourceType,
      cluster,
      namespace,
      serviceAccount,
      role,
      targetRole,
      roleChain: [role.arn, ...targetRole ? [targetRole.arn] : []],
      sessionTagsEnabled,
      sessionTags,
      sessionPolicy,
      placeholders: Object.fromEntries([...placeholders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      findings: sortFindings(findings),
    };
  }

  /** A role (given as the value of a RoleArn) with its policies; a finding when it is not in the assembly. */
  private role(arnValue: Json, template: Template, placeholders: Map<string, Json>, findings: ReportFinding[], what: string): ReportRole {
    const arn = this.assembly.render(arnValue, template, placeholders);
    const located = this.roleByArn(arnValue, template);
    if (!located) {
      findings.push({
        id: FindingId.ROLE_NOT_IN_ASSEMBLY,
        severity: FindingSeverity.WARNING,
        message: `the ${what} ${arn} is not defined in this cloud assembly, so its trust and permissions are unknown`,
      });
      return { arn, inAssembly: false, trustScope: 'unknown (role not in the cloud assembly)', policies: [] };
    }
    const roleTemplate = located.template;
    const props = roleTemplate.resources[located.logicalId].Properties ?? {};
    const renderDeep = (value: Json, from: Template = roleTemplate) => this.assembly.renderDeep(value, from, placeholders);

    const policies: ReportPolicy[] = [];
    for (const inline of props.Policies ?? []) {
      const name = this.assembly.render(inline.PolicyName, roleTemplate, placeholders);
      policies.push({ kind: PolicyKind.INLINE, name, document: renderDeep(inline.PolicyDocument) });
    }
    const attached = this.attached.get(roleKey(located)) ?? [];
    for (const policy of attached.filter(p => p.kind === PolicyKind.ATTACHED)) {
      const document = renderDeep(policy.resource.Properties?.PolicyDocument, policy.template);
      policies.push({ kind: PolicyKind.ATTACHED, name: policyName(policy), document });
    }
    const managed: ReportPolicy[] = (props.ManagedPolicyArns ?? [])
      .map((value: Json) => this.managedPolicy(value, roleTemplate, placeholders, findings));
    for (const policy of attached.filter(p => p.kind === PolicyKind.CUSTOMER_MANAGED)) {
      const policyArn = this.assembly.render({ Ref: policy.logicalId }, policy.template, placeholders);
      if (managed.some(m => m.arn === policyArn)) continue;
      const document = renderDeep(policy.resource.Properties?.PolicyDocument, policy.template);
      managed.push({ kind: PolicyKind.CUSTOMER_MANAGED, name: policyName(policy), arn: policyArn, document });
    }
    policies.push(...managed.filter(p => p.kind === PolicyKind.CUSTOMER_MANAGED), ...managed.filter(p => p.kind === PolicyKind.AWS_MANAGED));

    const trustPolicy = renderDeep(props.AssumeRolePolicyDocument);
    return {
      arn,
      inAssembly: true,
      stack: roleTemplate.name,
      logicalId: located.logicalId,
      trustPolicy,
      trustScope: trustScope(trustPolicy),
      policies,
      permissionsBoundary: props.PermissionsBoundary === undefined ? undefined
        : this.managedPolicy(props.PermissionsBoundary, roleTemplate, placeholders, findings),
    };
  }

  private managedPolicy(value: Json, template: Template, placeholders: Map<string, Json>, findings: ReportFinding[]): ReportPolicy {
    const arn = this.assembly.render(value, template, placeholders);
    const located = this.assembly.locate(value, template) ?? this.managedPolicies.get(arn.split('/').pop()!);
    const resource = located && located.template.resources[located.logicalId];
    if (resource?.Type === 'AWS::IAM::ManagedPolicy') {
      return {
        kind: PolicyKind.CUSTOMER_MANAGED,
        name: resource.Properties?.ManagedPolicyName ?? located!.logicalId,
        arn,
        document: this.assembly.renderDeep(resource.Properties?.PolicyDocument, located!.template, placeholders),
      };
    }
    const awsManaged = AWS_MANAGED_POLICY_ARN.exec(arn);
    if (awsManaged) return { kind: PolicyKind.AWS_MANAGED, name: awsManaged[1], arn };
    findings.push({
      id: FindingId.POLICY_NOT_IN_ASSEMBLY,
      severity: FindingSeverity.WARNING,
      message: `managed policy ${arn} is not defined in this cloud assembly, so its permissions are unknown`,
    });
    return { kind: PolicyKind.CUSTOMER_MANAGED, name: arn, arn };
  }

  /** The role a RoleArn value names: through intrinsics, or a literal ARN whose name a role of the assembly has. */
  private roleByArn(value: Json, template: Template): RoleRef | undefined {
    const located = this.assembly.locate(value, template);
    if (located) return located.template.resources[located.logicalId]?.Type === 'AWS::IAM::Role' ? located : undefined;
    // A literal ARN, or one joined from the partition and literals (a role of another stack named at synth, as a
    // cross-account target role is): matched by the role's literal name.
    const arn = typeof value === 'string' ? value : this.assembly.render(value, template, new Map());
    const match = /^arn:.*:iam::[^:]*:role\/(?:.*\/)?([^/${}]+)$/.exec(arn);
    return match ? this.rolesByName.get(match[1]) : undefined;
  }

  /** The role a `Roles` entry (a role name) names. */
  private roleByName(value: Json, template: Template): RoleRef | undefined {
    const located = this.assembly.locate(value, template);
    if (located) return located.template.resources[located.logicalId]?.Type === 'AWS::IAM::Role' ? located : undefined;
    return typeof value === 'string' ? this.rolesByName.get(value) : undefined;
  }
}

function roleKey(role: RoleRef): string {
  return `${role.template.name}\u0000${role.logicalId}`;
}

function policyName(policy: AttachedPolicy): string {
  const props = policy.resource.Properties ?? {};
  const name = props.ManagedPolicyName ?? props.PolicyName;
  return typeof name === 'string' ? name : policy.logicalId;
}

/** The statements of a policy document, as an array. */
export function statementsOf(document: Json): Json[] {
  if (!isObject(document)) return [];
  return [document.Statement ?? []].flat().filter(isObject);
}

/** A field that may be one value or a list, as a list of strings. */
export function listOf(value: Json): string[] {
  if (value === undefined || value === null) return [];
  return [value].flat().map(item => (typeof item === 'string' ? item : JSON.stringify(item)));
}

interface Principal {
  readonly type: string;
  readonly value: string;
}

function principalsOf(statement: Json): Principal[] {
  const principal = statement.Principal;
  if (principal === '*') return [{ type: 'AWS', value: '*' }];
  if (!isObject(principal)) return [];
  return Object.entries(principal).flatMap(([type, values]) => listOf(values).map(value => ({ type, value })));
}

function isPodIdentity(principal: Principal): boolean {
  return principal.type === 'Service' && principal.value === POD_IDENTITY_PRINCIPAL;
}

/** Condition values on a context key (any operator), lower-cased key. */
function conditionValues(statement: Json, contextKey: string): string[] | undefined {
  if (!isObject(statement.Condition)) return undefined;
  let found: string[] | undefined;
  for (const operator of Object.values(statement.Condition)) {
    if (!isObject(operator)) continue;
    for (const [key, values] of Object.entries(operator)) {
      if (key.toLowerCase() === contextKey.toLowerCase()) found = [...found ?? [], ...listOf(values)];
    }
  }
  return found;
}

const SCOPES: Array<[string, string[]]> = [
  ['cluster', ['aws:RequestTag/eks-cluster-name', 'aws:RequestTag/eks-cluster-arn', 'aws:SourceArn']],
  ['account', ['aws:SourceAccount']],
  ['namespace', ['aws:RequestTag/kubernetes-namespace']],
  ['service account', ['aws:RequestTag/kubernetes-service-account']],
];

function allowStatements(document: Json): Json[] {
  return statementsOf(document).filter(statement => statement.Effect === 'Allow');
}

/** Who may assume the role, in one line. */
function trustScope(trustPolicy: Json): string {
  const parts: string[] = [];
  for (const statement of allowStatements(trustPolicy)) {
    const principals = principalsOf(statement);
    if (principals.some(isPodIdentity)) {
      const scopes = SCOPES.flatMap(([what, keys]) => {
        const values = keys.flatMap(key => conditionValues(statement, key) ?? []);
        return values.length > 0 ? [`${what} ${values.join(' or ')}`] : [];
      });
      parts.push(`${POD_IDENTITY_PRINCIPAL} (${scopes.length > 0 ? scopes.join('; ') : 'any association in the account'})`);
    }
    for (const principal of principals.filter(p => !isPodIdentity(p))) {
      parts.push(principal.value === '*' ? 'anyone (*)' : `${principal.type} ${principal.value}`);
    }
  }
  return parts.length > 0 ? [...new Set(parts)].join(', ') : 'nobody (no Allow statement)';
}

function trustFindings(role: ReportRole): ReportFinding[] {
  if (!role.inAssembly) return [];
  const findings: ReportFinding[] = [];
  const statements = allowStatements(role.trustPolicy);
  const podStatements = statements.filter(statement => principalsOf(statement).some(isPodIdentity));
  if (podStatements.length === 0) {
    findings.push({
      id: FindingId.NOT_TRUSTED_BY_POD_IDENTITY,
      severity: FindingSeverity.ERROR,
      message: `role ${role.arn} does not trust ${POD_IDENTITY_PRINCIPAL}: EKS cannot assume it for the pods`,
    });
  }
  for (const statement of podStatements) {
    const scoped = ['aws:RequestTag/kubernetes-namespace', 'aws:RequestTag/kubernetes-service-account']
      .some(key => conditionValues(statement, key) !== undefined);
    if (!scoped) {
      findings.push({
        id: FindingId.UNSCOPED_TRUST,
        severity: FindingSeverity.WARNING,
        message: `role ${role.arn} trusts ${POD_IDENTITY_PRINCIPAL} without a condition on aws:RequestTag/kubernetes-namespace or kubernetes-service-account: any association in the account can give its credentials to other pods`,
      });
    }
  }
  for (const statement of statements) {
    for (const principal of principalsOf(statement).filter(p => !isPodIdentity(p))) {
      findings.push({
        id: FindingId.TRUSTED_BEYOND_POD_IDENTITY,
        severity: principal.value === '*' ? FindingSeverity.ERROR : FindingSeverity.WARNING,
        message: `role ${role.arn} can also be assumed by ${principal.type} ${principal.value}, not only by pods`,
      });
    }
  }
  return findings;
}

function permissionFindings(role: ReportRole): ReportFinding[] {
  const findings: ReportFinding[] = [];
  for (const policy of role.policies) {
    const where = `${policy.kind.name} policy ${policy.name} of role ${role.arn}`;
    if (policy.kind === PolicyKind.AWS_MANAGED && BROAD_AWS_MANAGED_POLICY.test(policy.name.split('/').pop()!)) {
      findings.push({
        id: FindingId.WILDCARD_ACTION,
        severity: FindingSeverity.ERROR,
        message: `${where} grants every action of a service (or of all services)`,
      });
    }
    allowStatements(policy.document).forEach((statement, index) => {
      const label = `${where}, statement ${statement.Sid ?? index + 1}`;
      const actions = listOf(statement.Action);
      const wildcards = actions.filter(action => action === '*' || /^[^:]+:\*$/.test(action));
      if (statement.NotAction !== undefined) {
        findings.push({ id: FindingId.WILDCARD_ACTION, severity: FindingSeverity.ERROR, message: `${label} allows every action except ${listOf(statement.NotAction).join(', ')} (NotAction)` });
      }
      if (wildcards.length > 0) {
        findings.push({ id: FindingId.WILDCARD_ACTION, severity: FindingSeverity.ERROR, message: `${label} allows ${wildcards.join(', ')}` });
      }
      const everyResource = statement.NotResource !== undefined || listOf(statement.Resource).includes('*');
      const writes = actions.filter(action => !READ_ACTION.test(action.slice(action.indexOf(':') + 1)));
      if (everyResource && (writes.length > 0 || statement.NotAction !== undefined)) {
        findings.push({
          id: FindingId.WILDCARD_RESOURCE_ON_WRITE,
          severity: FindingSeverity.WARNING,
          message: `${label} allows ${writes.length > 0 ? writes.join(', ') : 'write actions'} on every resource (${statement.NotResource !== undefined ? 'NotResource' : '*'})`,
        });
      }
    });
  }
  return findings;
}

function sortFindings(findings: ReportFinding[]): ReportFinding[] {
  const unique = new Map(findings.map(finding => [`${finding.id} ${finding.message}`, finding]));
  return [...unique.values()].sort((a, b) => b.severity.rank - a.severity.rank || compareLists([a.id, a.message], [b.id, b.message]));
}

function compareLists(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}
