// Builds the report's entries from a cloud assembly: one per Pod Identity association (AWS::EKS::PodIdentityAssociation
// and the PodIdentityAssociations of AWS::EKS::Addon), each with its role(s), policies, trust scope and findings.
import { GivenAcknowledgement, Subject, applyAcknowledgements } from './acknowledgements';
import { CloudAssembly, Json, MalformedValue, checkIntrinsic, Template, constructPathOf, expectObject, isObject, kindOf, sortedEntries, within } from './assembly';
import { SourcedStatement, covers, effectiveStatements, listOf } from './effective';
import { FindingId, FindingSeverity, PodIdentityReportEntry, PolicyKind, ReportEffectiveStatement, ReportFinding, ReportPolicy, ReportRole } from './model';
import { isWriteAction } from '../private/acknowledgements';
import {
  CLUSTER_ARN_TAG, CLUSTER_NAME_TAG, knownAddon, NAMESPACE_TAG, POD_IDENTITY_SERVICE_PRINCIPAL as POD_IDENTITY_PRINCIPAL, POD_NAME_TAG,
  POD_UID_TAG, requestTag, SERVICE_ACCOUNT_TAG,
} from '../private/eks-facts';
import { Progress } from '../private/progress';

export { listOf } from './effective';

/** Resource types of EKS clusters (aws-eks-v2's, and aws-eks's custom resource). */
const CLUSTER_TYPES = ['AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster'];

// The partition may be a placeholder (`arn:${AWS::Partition}:iam::aws:policy/...`).
const AWS_MANAGED_POLICY_ARN = /^arn:.*?:iam::aws:policy\/(.+)$/;
/** AWS managed policies that grant every action (of a service, or of all): reported like a `*` action. */
const BROAD_AWS_MANAGED_POLICY = /^(AdministratorAccess|PowerUserAccess|.*FullAccess)$/;
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
export function analyzeAssembly(
  assembly: CloudAssembly, acknowledgements: GivenAcknowledgement[] = [], progress?: Progress,
): PodIdentityReportEntry[] {
  try {
    return new Analysis(assembly, acknowledgements, progress).entries();
  } finally {
    progress?.end();
  }
}

/** Where a role or managed policy of a name may be: the candidates, narrowed by account and stage. */
interface Named {
  readonly template: Template;
  readonly logicalId: string;
}

/** A 12-digit account of an ARN, `${AWS::AccountId}` (the referencing stack's), or another placeholder. */
const IAM_ARN = /^arn:(?:\$\{[^}]*\}|[^:]*):iam::(\$\{[^}]*\}|[^:]*):(role|policy)\/(?:.*\/)?([^/${}]+)$/;

class Analysis {
  private readonly attached = new Map<string, AttachedPolicy[]>();
  private readonly rolesByName = new Map<string, Named[]>();
  private readonly managedPolicies = new Map<string, Named[]>();
  /** What each finding is about (its role, its policy), for acknowledgements. */
  private readonly subjects = new Map<ReportFinding, Subject[]>();
  /** Each role of the report: its resource, and the resource of each policy by `<kind> policy <name>`. */
  private readonly roleSources = new Map<ReportRole, { self: Subject; policies: Map<string, Subject> }>();

  constructor(
    private readonly assembly: CloudAssembly,
    private readonly acknowledgements: GivenAcknowledgement[],
    private readonly progress?: Progress,
  ) {
    for (const template of assembly.templates) {
      for (const [logicalId, resource] of sortedEntries(template.resources)) {
        if (resource.Type === 'AWS::IAM::Role' && typeof resource.Properties?.RoleName === 'string') {
          push(this.rolesByName, resource.Properties.RoleName, { template, logicalId });
        }
        if (resource.Type === 'AWS::IAM::ManagedPolicy' && typeof resource.Properties?.ManagedPolicyName === 'string') {
          push(this.managedPolicies, resource.Properties.ManagedPolicyName, { template, logicalId });
        }
      }
    }
    for (const template of assembly.templates) {
      for (const [logicalId, resource] of sortedEntries(template.resources)) {
        const kind = resource.Type === 'AWS::IAM::ManagedPolicy' ? PolicyKind.CUSTOMER_MANAGED
          : resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::RolePolicy' ? PolicyKind.ATTACHED : undefined;
        if (!kind) continue;
        within(template, `Resources.${logicalId}`, () => {
          const props = expectObject(resource.Properties, 'Properties')!;
          const roles = resource.Type === 'AWS::IAM::RolePolicy' ? [{ value: required(props, 'RoleName'), path: 'Properties.RoleName' }] : items(props.Roles, 'Properties.Roles', true);
          for (const { value } of roles) {
            const role = this.roleByName(value, template);
            // A policy naming the role twice (by Ref and by name) is attached once.
            if (!role || this.attached.get(roleKey(role))?.some(p => p.template === template && p.logicalId === logicalId)) continue;
            push(this.attached, roleKey(role), { kind, template, logicalId, resource });
          }
        });
      }
    }
  }

  public entries(): PodIdentityReportEntry[] {
    const entries: PodIdentityReportEntry[] = [];
    const total = this.assembly.templates.reduce((sum, template) => sum + Object.keys(template.resources).length, 0);
    let done = 0;
    for (const template of this.assembly.templates) {
      for (const [logicalId, resource] of sortedEntries(template.resources)) {
        this.progress?.update(++done, total);
        if (resource.Type === 'AWS::EKS::PodIdentityAssociation') {
          entries.push(within(template, `Resources.${logicalId}`, () => {
            const props = expectObject(resource.Properties, 'Properties')!;
            for (const key of ['ClusterName', 'Namespace', 'ServiceAccount', 'RoleArn']) required(props, key);
            return this.entry(template, logicalId, resource.Type, props, props.Namespace);
          }));
        } else if (resource.Type === 'AWS::EKS::Addon') {
          entries.push(...within(template, `Resources.${logicalId}`, () => {
            const props = expectObject(resource.Properties, 'Properties')!;
            const associations = items(props.PodIdentityAssociations, 'Properties.PodIdentityAssociations', false);
            if (associations.length === 0) return [];
            const addonName = this.assembly.render(required(props, 'AddonName'), template, new Map());
            const namespaceConfig = expectObject(props.NamespaceConfig, 'Properties.NamespaceConfig', true);
            const namespace = namespaceConfig?.Namespace ?? knownAddon(addonName)?.namespace ?? `\${Addon:${addonName}.Namespace}`;
            return associations.map(({ value, path }) => {
              const association = expectObject(value, path)!;
              required(association, 'ServiceAccount', path);
              required(association, 'RoleArn', path);
              return this.entry(template, logicalId, resource.Type, { ...association, ClusterName: props.ClusterName }, namespace);
            });
          }));
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
    const about = (reportRole: ReportRole, list: ReportFinding[], from?: string) => list.map(finding => this.about(finding, reportRole, from));
    findings.push(...about(role, [...trustFindings(role), ...admitsFindings(role, { namespace, 'service account': serviceAccount })]));
    const targetRole = props.TargetRoleArn === undefined ? undefined
      : this.role(props.TargetRoleArn, template, placeholders, findings, 'target role');
    for (const reportRole of [role, targetRole]) {
      if (reportRole) findings.push(...permissionFindings(reportRole, (finding, from) => this.about(finding, reportRole, from)));
    }
    const located = this.assembly.locate(props.ClusterName, template);
    const clusterDisplayName = located && CLUSTER_TYPES.includes(located.template.resources[located.logicalId]?.Type)
      ? clusterNameOf(located.template, located.logicalId) ?? cluster : cluster;

    const sessionTagsEnabled = !(props.DisableSessionTags === true || props.DisableSessionTags === 'true');
    const sessionTags: Record<string, string> = {};
    if (sessionTagsEnabled) {
      // A cluster of the assembly is known by its ARN attribute (as a trust scoped by cluster ARN names it); any
      // other by the ARN EKS builds from the name.
      const clusterArn = located && CLUSTER_TYPES.includes(located.template.resources[located.logicalId]?.Type)
        ? this.assembly.render({ 'Fn::GetAtt': [located.logicalId, 'Arn'] }, located.template, placeholders)
        : render({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster/']] }) + cluster;
      placeholders.set('PodName', 'the name of the pod (differs per pod)');
      placeholders.set('PodUid', 'the uid of the pod (differs per pod)');
      Object.assign(sessionTags, {
        [CLUSTER_ARN_TAG]: clusterArn,
        [CLUSTER_NAME_TAG]: cluster,
        [NAMESPACE_TAG]: namespace,
        [SERVICE_ACCOUNT_TAG]: serviceAccount,
        [POD_NAME_TAG]: '${PodName}',
        [POD_UID_TAG]: '${PodUid}',
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

    const entry: PodIdentityReportEntry = {
      stack: template.name,
      logicalId,
      resourceType,
      cluster,
      clusterDisplayName,
      namespace,
      serviceAccount,
      role,
      targetRole,
      roleChain: [role.arn, ...targetRole ? [targetRole.arn] : []],
      sessionTagsEnabled,
      sessionTags,
      sessionPolicy,
      placeholders: Object.fromEntries([...placeholders.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      findings: [],
    };
    const association: Subject = { template, logicalId };
    const roles = [role, targetRole].filter((r): r is ReportRole => r !== undefined)
      .map(r => ({ role: r, self: this.roleSources.get(r)?.self }));
    const subjected = findings.map(finding => ({ finding, subjects: [association, ...this.subjects.get(finding) ?? []] }));
    const acknowledged = applyAcknowledgements(entry, subjected, roles, this.acknowledgements);
    return { ...entry, findings: sortFindings(acknowledged) };
  }

  /** Records that `finding` is about `role` (and the policy of statement `from`); returns it. */
  private about(finding: ReportFinding, role: ReportRole, from?: string): ReportFinding {
    const sources = this.roleSources.get(role);
    const policy = from !== undefined ? sources?.policies.get(from.replace(/, statement .*$/s, '')) : undefined;
    this.subjects.set(finding, [...sources ? [sources.self] : [], ...policy ? [policy] : []]);
    return finding;
  }

  /** A role (given as the value of a RoleArn) with its policies; a finding when it is not in the assembly. */
  private role(arnValue: Json, template: Template, placeholders: Map<string, Json>, findings: ReportFinding[], what: string): ReportRole {
    const arn = this.assembly.render(arnValue, template, placeholders);
    const found = this.roleByArn(arnValue, template);
    if (!('ref' in found)) {
      const ambiguous = found.ambiguous.length > 1
        ? ` (a role of that name is defined in ${found.ambiguous.map(c => c.template.name).join(', ')}, and which one it is cannot be told)` : '';
      findings.push({
        id: FindingId.ROLE_NOT_IN_ASSEMBLY,
        severity: FindingSeverity.WARNING,
        message: `the ${what} ${arn} is not defined in this cloud assembly${ambiguous}, so its trust and permissions are unknown`,
      });
      return {
        arn,
        inAssembly: false,
        trustScope: 'unknown (role not in the cloud assembly)',
        policies: [],
        effectivePermissions: [],
        effectivePermissionsUnknown: 'the role is not in the cloud assembly',
      };
    }
    const located = found.ref;
    const roleTemplate = located.template;
    return within(roleTemplate, `Resources.${located.logicalId}`, () => {
      const props = expectObject(roleTemplate.resources[located.logicalId].Properties, 'Properties')!;
      const document = (value: Json, path: string, from: Template = roleTemplate) =>
        renderedDocument(this.assembly, value, path, from, placeholders);

      const self: Subject = { template: roleTemplate, logicalId: located.logicalId };
      const sources = new Map<string, Subject>();
      const source = (policy: ReportPolicy, subject: Subject | undefined) => {
        if (subject) sources.set(`${policy.kind.name} policy ${policy.name}`, subject);
        return policy;
      };
      const roleFindings: ReportFinding[] = [];
      const policies: ReportPolicy[] = [];
      for (const { value, path } of items(props.Policies, 'Properties.Policies', false)) {
        const inline = expectObject(value, path)!;
        const name = this.assembly.render(required(inline, 'PolicyName', path), roleTemplate, placeholders);
        policies.push(source({ kind: PolicyKind.INLINE, name, document: document(inline.PolicyDocument, `${path}.PolicyDocument`) }, self));
      }
      const attached = this.attached.get(roleKey(located)) ?? [];
      for (const policy of attached.filter(p => p.kind === PolicyKind.ATTACHED)) {
        const policyDocument = within(policy.template, `Resources.${policy.logicalId}`,
          () => document(policy.resource.Properties.PolicyDocument, 'Properties.PolicyDocument', policy.template));
        policies.push(source({ kind: PolicyKind.ATTACHED, name: policyName(policy), document: policyDocument }, policy));
      }
      const managed: ReportPolicy[] = items(props.ManagedPolicyArns, 'Properties.ManagedPolicyArns', true)
        .map(({ value }) => this.managedPolicy(value, roleTemplate, placeholders, roleFindings, source));
      for (const policy of attached.filter(p => p.kind === PolicyKind.CUSTOMER_MANAGED)) {
        const policyArn = this.assembly.render({ Ref: policy.logicalId }, policy.template, placeholders);
        if (managed.some(m => m.arn === policyArn)) continue;
        const policyDocument = within(policy.template, `Resources.${policy.logicalId}`,
          () => document(policy.resource.Properties.PolicyDocument, 'Properties.PolicyDocument', policy.template));
        managed.push(source({ kind: PolicyKind.CUSTOMER_MANAGED, name: policyName(policy), arn: policyArn, document: policyDocument }, policy));
      }
      policies.push(...managed.filter(p => p.kind === PolicyKind.CUSTOMER_MANAGED), ...managed.filter(p => p.kind === PolicyKind.AWS_MANAGED));

      const trustPolicy = document(required(props, 'AssumeRolePolicyDocument'), 'Properties.AssumeRolePolicyDocument');
      const permissionsBoundary = props.PermissionsBoundary === undefined ? undefined
        : this.managedPolicy(props.PermissionsBoundary, roleTemplate, placeholders, roleFindings, source);
      const reportRole: ReportRole = {
        arn,
        inAssembly: true,
        stack: roleTemplate.name,
        logicalId: located.logicalId,
        trustPolicy,
        trustScope: trustScope(trustPolicy),
        policies,
        permissionsBoundary,
        ...effectiveOf(policies, permissionsBoundary),
      };
      this.roleSources.set(reportRole, { self, policies: sources });
      findings.push(...roleFindings.map(finding => this.about(finding, reportRole)));
      return reportRole;
    });
  }

  private managedPolicy(
    value: Json, template: Template, placeholders: Map<string, Json>, findings: ReportFinding[],
    source: (policy: ReportPolicy, subject: Subject | undefined) => ReportPolicy,
  ): ReportPolicy {
    const arn = this.assembly.render(value, template, placeholders);
    const located = this.assembly.locate(value, template) ?? this.byArn(this.managedPolicies, arn, 'policy', template).ref;
    const resource = located && located.template.resources[located.logicalId];
    if (resource?.Type === 'AWS::IAM::ManagedPolicy') {
      return within(located!.template, `Resources.${located!.logicalId}`, () => {
        const props = expectObject(resource.Properties, 'Properties')!;
        return source({
          kind: PolicyKind.CUSTOMER_MANAGED,
          name: typeof props.ManagedPolicyName === 'string' ? props.ManagedPolicyName : located!.logicalId,
          arn,
          document: renderedDocument(this.assembly, props.PolicyDocument, 'Properties.PolicyDocument', located!.template, placeholders),
        }, located!);
      });
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

  /** The role a RoleArn value names: through intrinsics, or a literal ARN whose account and name a role of the assembly has. */
  private roleByArn(value: Json, template: Template): { ref: RoleRef } | { ambiguous: Named[] } {
    const located = this.assembly.locate(value, template);
    if (located) return located.template.resources[located.logicalId]?.Type === 'AWS::IAM::Role' ? { ref: located } : { ambiguous: [] };
    // A literal ARN, or one joined from the partition, the account and literals (a role of another stack named at
    // synth, as a cross-account target role is): matched by the role's account and literal name.
    const arn = typeof value === 'string' ? value : this.assembly.render(value, template, new Map());
    const found = this.byArn(this.rolesByName, arn, 'role', template);
    return found.ref ? { ref: found.ref } : { ambiguous: found.candidates };
  }

  /** The role a `Roles` entry (a role name, of the account of `template`) names. */
  private roleByName(value: Json, template: Template): RoleRef | undefined {
    const located = this.assembly.locate(value, template);
    if (located) return located.template.resources[located.logicalId]?.Type === 'AWS::IAM::Role' ? located : undefined;
    return typeof value === 'string' ? pick(this.rolesByName.get(value) ?? [], template.account, template).ref : undefined;
  }

  /** A role or managed policy of the assembly by its ARN: same account (and stage, when the accounts are not known). */
  private byArn(byName: Map<string, Named[]>, arn: string, type: 'role' | 'policy', from: Template): { ref?: Named; candidates: Named[] } {
    const match = IAM_ARN.exec(arn);
    if (!match || match[2] !== type) return { candidates: [] };
    const account = /^\d{12}$/.test(match[1]) ? match[1] : match[1] === '${AWS::AccountId}' ? from.account : undefined;
    return pick(byName.get(match[3]) ?? [], account, from);
  }
}

/**
 * The one candidate in `account` (a candidate of an environment-agnostic stack may be in any account); among several,
 * the one of the template `from`, then of its stage. None when that leaves several: which one is meant is unknown.
 */
function pick(all: Named[], account: string | undefined, from: Template): { ref?: Named; candidates: Named[] } {
  let candidates = account === undefined ? all : all.filter(c => c.template.account === account);
  if (candidates.length === 0 && account !== undefined) candidates = all.filter(c => c.template.account === undefined);
  for (const narrower of [(c: Named) => c.template === from, (c: Named) => c.template.assemblyDirectory === from.assemblyDirectory]) {
    if (candidates.length > 1 && candidates.some(narrower)) candidates = candidates.filter(narrower);
  }
  return candidates.length === 1 ? { ref: candidates[0], candidates } : { candidates };
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  map.set(key, [...map.get(key) ?? [], value]);
}

function roleKey(role: RoleRef): string {
  return `${role.template.name}\u0000${role.logicalId}`;
}

function policyName(policy: AttachedPolicy): string {
  const props = policy.resource.Properties ?? {};
  const name = props.ManagedPolicyName ?? props.PolicyName;
  return typeof name === 'string' ? name : policy.logicalId;
}

/** A required property: throws `<path>.<key> is missing` when absent. */
function required(object: Json, key: string, path = 'Properties'): Json {
  if (object[key] === undefined || object[key] === null) throw new MalformedValue(object[key] === null ? 'is null' : 'is missing', `${path}.${key}`);
  return object[key];
}

function isIntrinsic(value: Json): boolean {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

const NO_VALUE = (value: Json) => isObject(value) && value.Ref === 'AWS::NoValue';

/** The values a value may take: both branches of an `Fn::If` (without `AWS::NoValue`), else the value itself. */
function alternatives(value: Json): Json[] {
  if (isIntrinsic(value) && value['Fn::If'] !== undefined) {
    checkIntrinsic('Fn::If', value['Fn::If']);
    return [value['Fn::If'][1], value['Fn::If'][2]].filter(branch => !NO_VALUE(branch)).flatMap(alternatives);
  }
  return [value];
}

/**
 * The items of a list property, each `Fn::If` item taken with both branches. Another intrinsic instead of the list
 * (a `Ref` to a list parameter) is one opaque item when `opaque`, else malformed.
 */
function items(value: Json, path: string, opaque: boolean): Array<{ value: Json; path: string }> {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => alternatives(item).map(alternative => ({ value: alternative, path: `${path}[${index}]` })));
  if (isIntrinsic(value)) {
    if (value['Fn::If'] !== undefined) return alternatives(value).flatMap(alternative => items(alternative, path, opaque));
    if (opaque) return [{ value, path }];
    throw new MalformedValue(`is ${JSON.stringify(value)}, not a list`, path);
  }
  throw new MalformedValue(`is ${kindOf(value)}, not a list`, path);
}

const STATEMENT_LISTS = ['Action', 'NotAction', 'Resource', 'NotResource'];

/**
 * A policy document, checked and rendered: a JSON string parsed, `Statement` always a list of statement objects,
 * `Fn::If` in statement lists taken with both branches, every other intrinsic rendered as a placeholder.
 */
function renderedDocument(assembly: CloudAssembly, value: Json, path: string, template: Template, placeholders: Map<string, Json>): Json {
  if (value === undefined || value === null) throw new MalformedValue(value === null ? 'is null' : 'is missing', path);
  const documents = alternatives(value).map(alternative => {
    let document = alternative;
    if (isIntrinsic(document)) document = assembly.render(document, template, placeholders);
    if (typeof document === 'string') {
      try {
        document = JSON.parse(document);
      } catch {
        throw new MalformedValue('is a string that is not a JSON policy document', path);
      }
    }
    if (!isObject(document)) throw new MalformedValue(`is ${kindOf(document)}, not a policy document`, path);
    const statements = Array.isArray(document.Statement) || isIntrinsic(document.Statement)
      ? items(document.Statement, `${path}.Statement`, false) : alternatives(document.Statement).map(v => ({ value: v, path: `${path}.Statement` }));
    const checked = statements.filter(s => s.value !== undefined).map(({ value: statement, path: at }) => {
      expectObject(statement, at);
      const copy: Json = { ...statement };
      for (const key of STATEMENT_LISTS) {
        if (Array.isArray(copy[key]) || (isObject(copy[key]) && copy[key]['Fn::If'] !== undefined)) {
          copy[key] = items(copy[key], `${at}.${key}`, false).map(item => item.value);
        }
      }
      const rendered = assembly.renderDeep(copy, template, placeholders);
      if (rendered.Effect !== 'Allow' && rendered.Effect !== 'Deny') {
        throw new MalformedValue(`is ${JSON.stringify(rendered.Effect ?? null)}, not "Allow" or "Deny"`, `${at}.Effect`);
      }
      return rendered;
    });
    const { Statement: _statement, ...rest } = document;
    return { ...assembly.renderDeep(rest, template, placeholders), Statement: checked };
  });
  return documents.length === 1 ? documents[0] : { ...documents[0], Statement: documents.flatMap(d => d.Statement) };
}

/** The statements of a policy document, as an array. */
export function statementsOf(document: Json): Json[] {
  if (!isObject(document)) return [];
  return [document.Statement ?? []].flat().filter(isObject);
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

/** One test of a Condition block: operator, (lower-cased) key and values. */
interface ConditionTest {
  readonly operator: string;
  readonly key: string;
  readonly values: string[];
}

function conditionTests(statement: Json): ConditionTest[] {
  if (!isObject(statement.Condition)) return [];
  return Object.entries(statement.Condition).flatMap(([operator, tests]) => (isObject(tests)
    ? Object.entries(tests).map(([key, values]) => ({ operator, key: key.toLowerCase(), values: listOf(values) }))
    : []));
}

/** Operators that, with literal values (no wildcard for the `Like` ones), admit exactly those values. */
const PIN_OPERATORS = ['StringEquals', 'StringLike', 'ArnEquals', 'ArnLike'];
/**
 * An IAM policy variable (`${aws:PrincipalTag/team}`, lower-case service prefix): its value differs per request. The
 * report's placeholders of CloudFormation values (`${AWS::Partition}`, `${Import:name}`) are fixed values.
 */
const POLICY_VARIABLE = /\$\{[a-z][a-z0-9-]*:[^:]/;

/** Whether a condition test admits exactly its values: an exact operator (no IfExists, no set operator), literal values. */
function isPin(test: ConditionTest): boolean {
  if (!PIN_OPERATORS.includes(test.operator) || test.values.length === 0) return false;
  const like = test.operator.endsWith('Like');
  return test.values.every(value => !POLICY_VARIABLE.test(value) && !(like && /[*?]/.test(value)));
}

const SCOPES: Array<[string, string[]]> = [
  ['cluster', [requestTag(CLUSTER_NAME_TAG), requestTag(CLUSTER_ARN_TAG), 'aws:SourceArn']],
  ['account', ['aws:SourceAccount']],
  ['namespace', [requestTag(NAMESPACE_TAG)]],
  ['service account', [requestTag(SERVICE_ACCOUNT_TAG)]],
];
/** What a trust must pin for the role to go to one (cluster, namespace, service account) only. */
const PINNED_SCOPES = ['cluster', 'namespace', 'service account'];

/** The scope of one statement in one dimension: `carts` (pinned), `StringLike car*`, or undefined (no condition). */
function scopeOf(statement: Json, keys: string[]): { pinned: boolean; text: string } | undefined {
  const tests = conditionTests(statement).filter(test => keys.some(key => key.toLowerCase() === test.key));
  if (tests.length === 0) return undefined;
  const pins = tests.filter(isPin);
  if (pins.length > 0) return { pinned: true, text: pins.flatMap(test => test.values).join(' or ') };
  return { pinned: false, text: tests.map(test => `${test.operator} ${test.values.join(' or ')}`).join(' and ') };
}

function allowStatements(document: Json): Json[] {
  return statementsOf(document).filter(statement => statement.Effect === 'Allow');
}

/** Whether a trust statement lets its principals call sts:AssumeRole (TagSession alone assumes nothing). */
function grantsAssumeRole(statement: Json): boolean {
  if (statement.NotAction !== undefined) return !listOf(statement.NotAction).some(pattern => covers(pattern, 'sts:AssumeRole', true));
  return listOf(statement.Action).some(pattern => covers(pattern, 'sts:AssumeRole', true));
}

/** The Allow statements of a trust policy that let pods.eks.amazonaws.com assume the role. */
function podStatementsOf(trustPolicy: Json): Json[] {
  return allowStatements(trustPolicy).filter(statement => grantsAssumeRole(statement) && principalsOf(statement).some(isPodIdentity));
}

/** Who may assume the role, in one line. */
function trustScope(trustPolicy: Json): string {
  const parts: string[] = [];
  for (const statement of allowStatements(trustPolicy).filter(grantsAssumeRole)) {
    const principals = principalsOf(statement);
    if (principals.some(isPodIdentity)) {
      const scopes = SCOPES.flatMap(([what, keys]) => {
        const scope = scopeOf(statement, keys);
        return scope ? [`${what} ${scope.text}`] : [];
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
  const podStatements = podStatementsOf(role.trustPolicy);
  if (podStatements.length === 0) {
    findings.push({
      id: FindingId.NOT_TRUSTED_BY_POD_IDENTITY,
      severity: FindingSeverity.ERROR,
      message: `role ${role.arn} does not let ${POD_IDENTITY_PRINCIPAL} call sts:AssumeRole: EKS cannot assume it for the pods`,
    });
  }
  for (const statement of podStatements) {
    const loose = SCOPES.filter(([what]) => PINNED_SCOPES.includes(what)).flatMap(([what, keys]) => {
      const scope = scopeOf(statement, keys);
      return scope?.pinned ? [] : [`${what} ${scope ? scope.text : 'not conditioned'}`];
    });
    if (loose.length > 0) {
      findings.push({
        id: FindingId.UNSCOPED_TRUST,
        severity: FindingSeverity.WARNING,
        message: `role ${role.arn} trusts ${POD_IDENTITY_PRINCIPAL} without pinning one exact cluster, namespace and service account (${loose.join('; ')}): other associations in the account can give its credentials to other pods`,
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

/**
 * An error when no statement of the trust admits the association's namespace or service account: every statement
 * pins other literal values (tag values compare case-sensitively: `Carts` is not `carts`). Pods never get credentials.
 */
function admitsFindings(role: ReportRole, values: Record<string, string>): ReportFinding[] {
  if (!role.inAssembly) return [];
  const statements = podStatementsOf(role.trustPolicy);
  if (statements.length === 0) return [];
  const findings: ReportFinding[] = [];
  for (const [what, value] of Object.entries(values)) {
    if (value.includes('${')) continue;
    const keys = SCOPES.find(([name]) => name === what)![1];
    const excluding = statements.map(statement => conditionTests(statement)
      .filter(test => keys.some(key => key.toLowerCase() === test.key) && isPin(test) && test.values.every(v => !v.includes('${')))
      .find(test => !test.values.some(pattern => test.operator.endsWith('Like') ? covers(pattern, value, false) : pattern === value)));
    if (excluding.every(test => test !== undefined)) {
      findings.push({
        id: FindingId.NOT_TRUSTED_BY_POD_IDENTITY,
        severity: FindingSeverity.ERROR,
        message: `role ${role.arn} trusts ${what} ${[...new Set(excluding.flatMap(test => test!.values))].join(' or ')} only, not ${value} (tag values are case-sensitive): EKS cannot assume it for these pods`,
      });
    }
  }
  return findings;
}

/** AWS managed policies whose document is known here: as a boundary, they limit nothing. */
const UNLIMITING_AWS_MANAGED = ['AdministratorAccess'];

/** A role's statements by where they come from: `inline policy logs, statement 1`. */
function sourcedStatements(policies: ReportPolicy[]): SourcedStatement[] {
  return policies.flatMap(policy => statementsOf(policy.document)
    .map((statement, index) => ({ from: `${policy.kind.name} policy ${policy.name}, statement ${statement.Sid ?? index + 1}`, statement })));
}

/** The effective permissions of a role in the assembly (see `ReportRole.effectivePermissions`). */
function effectiveOf(policies: ReportPolicy[], boundary: ReportPolicy | undefined): Pick<ReportRole, 'effectivePermissions' | 'effectivePermissionsUnknown'> {
  const statements = sourcedStatements(policies);
  let boundaryStatements: Json[] | undefined;
  let unknown: string | undefined;
  if (boundary?.document !== undefined) {
    boundaryStatements = statementsOf(boundary.document);
  } else if (boundary && !(boundary.kind === PolicyKind.AWS_MANAGED && UNLIMITING_AWS_MANAGED.includes(boundary.name))) {
    unknown = boundary.kind === PolicyKind.AWS_MANAGED
      ? `the permissions boundary is the AWS managed policy ${boundary.name}, known by name only`
      : `the permissions boundary ${boundary.arn ?? boundary.name} is not in the cloud assembly`;
  }
  const denies = [...statements.map(s => s.statement), ...boundaryStatements ?? []].filter(statement => statement.Effect === 'Deny');
  const effective = effectiveStatements(statements.filter(s => s.statement.Effect === 'Allow'), denies, boundaryStatements);
  const effectivePermissions: ReportEffectiveStatement[] = [...effective.entries()]
    .flatMap(([source, list]) => list.map(statement => ({ from: source.from, statement })));
  return { effectivePermissions, effectivePermissionsUnknown: unknown };
}

function permissionFindings(role: ReportRole, about: (finding: ReportFinding, from?: string) => ReportFinding): ReportFinding[] {
  const findings: ReportFinding[] = [];
  const ifBoundary = role.effectivePermissionsUnknown && role.permissionsBoundary
    ? `, if the permissions boundary ${role.permissionsBoundary.arn ?? role.permissionsBoundary.name} allows it` : '';
  const deniesAll = sourcedStatements([...role.policies, ...role.permissionsBoundary ? [role.permissionsBoundary] : []])
    .some(({ statement }) => statement.Effect === 'Deny' && statement.Condition === undefined
      && listOf(statement.Action).includes('*') && listOf(statement.Resource).includes('*'));
  for (const policy of role.policies) {
    const where = `${policy.kind.name} policy ${policy.name} of role ${role.arn}`;
    if (policy.kind === PolicyKind.AWS_MANAGED && BROAD_AWS_MANAGED_POLICY.test(policy.name.split('/').pop()!) && !deniesAll) {
      findings.push(about({
        id: FindingId.WILDCARD_ACTION,
        severity: FindingSeverity.ERROR,
        message: `${where} grants every action of a service (or of all services)${ifBoundary}`,
      }));
    }
  }
  for (const { from, statement } of role.effectivePermissions) {
    const label = `${from.replace(/, statement /, ` of role ${role.arn}, statement `)}`;
    const actions = listOf(statement.Action);
    const wildcards = actions.filter(action => action === '*' || /^[^:]+:\*$/.test(action));
    if (statement.NotAction !== undefined) {
      findings.push(about({ id: FindingId.WILDCARD_ACTION, severity: FindingSeverity.ERROR, message: `${label} allows every action except ${listOf(statement.NotAction).join(', ')} (NotAction)${ifBoundary}` }, from));
    }
    if (wildcards.length > 0) {
      findings.push(about({ id: FindingId.WILDCARD_ACTION, severity: FindingSeverity.ERROR, message: `${label} allows ${wildcards.join(', ')}${ifBoundary}` }, from));
    }
    const everyResource = statement.NotResource !== undefined || listOf(statement.Resource).includes('*');
    const writes = actions.filter(isWriteAction);
    if (everyResource && (writes.length > 0 || statement.NotAction !== undefined)) {
      findings.push(about({
        id: FindingId.WILDCARD_RESOURCE_ON_WRITE,
        severity: FindingSeverity.WARNING,
        message: `${label} allows ${writes.length > 0 ? writes.join(', ') : 'write actions'} on every resource (${statement.NotResource !== undefined ? 'NotResource' : '*'})${ifBoundary}`,
      }, from));
    }
  }
  return findings;
}

/** A cluster of the assembly by its literal name (aws-eks-v2 `Name`, aws-eks `Config.name`), else its construct path. */
function clusterNameOf(template: Template, logicalId: string): string | undefined {
  const props = template.resources[logicalId]?.Properties;
  const name = props?.Name ?? props?.Config?.name;
  return typeof name === 'string' ? name : constructPathOf(template, logicalId);
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
