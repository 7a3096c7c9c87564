// The roles and managed policies of a cloud assembly: found by the value of a RoleArn (through intrinsics, or a
// literal ARN of a role the assembly defines), read with their policies (inline, attached, managed, boundary), and
// the resource behind each role and policy (what a finding about them is about, for acknowledgements).
import { AboutRole, Subject } from './acknowledgements';
import { CloudAssembly } from './assembly';
import { items } from './intrinsics';
import { expectObject, required, within } from './malformed';
import { FindingId, FindingSeverity, PolicyKind, ReportFinding, ReportPolicy, ReportRole } from './model';
import { effectiveOf } from './permissions';
import { renderedDocument } from './policy-documents';
import { Json, Template, sortedEntries } from './template';
import { trustScope } from './trust';

// The partition may be a placeholder (`arn:${AWS::Partition}:iam::aws:policy/...`).
const AWS_MANAGED_POLICY_ARN = /^arn:.*?:iam::aws:policy\/(.+)$/;

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

/** Where a role or managed policy of a name may be: the candidates, narrowed by account and stage. */
interface Named {
  readonly template: Template;
  readonly logicalId: string;
}

/** A 12-digit account of an ARN, `${AWS::AccountId}` (the referencing stack's), or another placeholder. */
const IAM_ARN = /^arn:(?:\$\{[^}]*\}|[^:]*):iam::(\$\{[^}]*\}|[^:]*):(role|policy)\/(?:.*\/)?([^/${}]+)$/;

/** The roles of an assembly, indexed once: by name, and with the policies attached to each. */
/** What a finding is about: its role (for a `role` selector) and the resources it names (for Metadata and `resource`). */
export interface FindingSubjects {
  readonly role: AboutRole;
  readonly subjects: Subject[];
}

export class AssemblyRoles {
  private readonly attached = new Map<string, AttachedPolicy[]>();
  private readonly rolesByName = new Map<string, Named[]>();
  private readonly managedPolicies = new Map<string, Named[]>();
  /** What each finding is about (its role, with the role's resource and policy), for acknowledgements. */
  private readonly abouts = new Map<ReportFinding, FindingSubjects>();
  /** Each role of the report: its resource, and the resource of each policy by `<kind> policy <name>`. */
  private readonly roleSources = new Map<ReportRole, { self: Subject; policies: Map<string, Subject> }>();

  constructor(private readonly assembly: CloudAssembly) {
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

  /** Records that `finding` is about `role` (and the policy of statement `from`); returns it. */
  public about(finding: ReportFinding, role: ReportRole, from?: string): ReportFinding {
    const sources = this.roleSources.get(role);
    const policy = from !== undefined ? sources?.policies.get(from.replace(/, statement .*$/s, '')) : undefined;
    this.abouts.set(finding, {
      role: { role, self: sources?.self },
      subjects: [...sources ? [sources.self] : [], ...policy ? [policy] : []],
    });
    return finding;
  }

  /** What `finding` is about, as `about` recorded it (every finding of the report is); undefined for one it did not record. */
  public aboutOf(finding: ReportFinding): FindingSubjects | undefined {
    return this.abouts.get(finding);
  }

  /** A role (given as the value of a RoleArn) with its policies; a finding when it is not in the assembly. */
  public role(arnValue: Json, template: Template, placeholders: Map<string, Json>, findings: ReportFinding[], what: string): ReportRole {
    const arn = this.assembly.render(arnValue, template, placeholders);
    const found = this.roleByArn(arnValue, template);
    if (!('ref' in found)) {
      const ambiguous = found.ambiguous.length > 1
        ? ` (a role of that name is defined in ${found.ambiguous.map(c => c.template.name).join(', ')}, and which one it is cannot be told)` : '';
      const missing: ReportRole = {
        arn,
        inAssembly: false,
        trustScope: 'unknown (role not in the cloud assembly)',
        policies: [],
        effectivePermissions: [],
        effectivePermissionsUnknown: 'the role is not in the cloud assembly',
      };
      findings.push(this.about({
        id: FindingId.ROLE_NOT_IN_ASSEMBLY,
        severity: FindingSeverity.WARNING,
        message: `the ${what} ${arn} is not defined in this cloud assembly${ambiguous}, so its trust and permissions are unknown`,
      }, missing));
      return missing;
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
