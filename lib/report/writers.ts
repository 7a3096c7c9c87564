// The report as JSON (for tools and IAM evaluators) and as Markdown (for a pull-request comment).
import { listOf } from './effective';
import { FindingSeverity, PodIdentityReportEntry, PolicyKind, ReportFinding, ReportPolicy, ReportRole } from './model';
import { statementsOf } from './policy-documents';
import { Json, isObject } from './template';

/** Version of the JSON layout; bumped when a field changes meaning or goes away. */
export const JSON_FORMAT_VERSION = 1;

export function toJsonDocument(entries: PodIdentityReportEntry[]): Json {
  return {
    formatVersion: JSON_FORMAT_VERSION,
    summary: summary(entries),
    associations: entries.map(entry => ({
      stack: entry.stack,
      logicalId: entry.logicalId,
      resourceType: entry.resourceType,
      cluster: entry.cluster,
      clusterDisplayName: entry.clusterDisplayName,
      namespace: entry.namespace,
      serviceAccount: entry.serviceAccount,
      role: roleJson(entry.role),
      targetRole: entry.targetRole && roleJson(entry.targetRole),
      roleChain: entry.roleChain,
      sessionTagsEnabled: entry.sessionTagsEnabled,
      sessionTags: entry.sessionTags,
      sessionPolicy: entry.sessionPolicy,
      placeholders: entry.placeholders,
      findings: entry.findings.map(findingJson),
    })),
  };
}

function roleJson(role: ReportRole): Json {
  return {
    arn: role.arn,
    inAssembly: role.inAssembly,
    stack: role.stack,
    logicalId: role.logicalId,
    trustScope: role.trustScope,
    trustPolicy: role.trustPolicy,
    policies: role.policies.map(policyJson),
    permissionsBoundary: role.permissionsBoundary && policyJson(role.permissionsBoundary),
    effectivePermissions: role.effectivePermissions,
    effectivePermissionsUnknown: role.effectivePermissionsUnknown,
  };
}

function policyJson(policy: ReportPolicy): Json {
  return { kind: policy.kind.name, name: policy.name, arn: policy.arn, document: policy.document };
}

function findingJson(finding: ReportFinding): Json {
  return { id: finding.id, severity: finding.severity.name, message: finding.message, acknowledged: finding.acknowledged };
}

/** The counts of the report: errors and warnings are those not acknowledged (what `--fail-on` counts). */
function summary(entries: PodIdentityReportEntry[]) {
  const findings = entries.flatMap(entry => entry.findings);
  const open = findings.filter(f => !f.acknowledged);
  return {
    associations: entries.length,
    errors: open.filter(f => f.severity === FindingSeverity.ERROR).length,
    warnings: open.filter(f => f.severity === FindingSeverity.WARNING).length,
    acknowledged: findings.length - open.length,
  };
}

const SEVERITY_ICON: Record<string, string> = { error: '🛑', warning: '⚠️' };
const ACKNOWLEDGED_ICON = '✅';

export function toMarkdown(entries: PodIdentityReportEntry[]): string {
  const { associations, errors, warnings, acknowledged } = summary(entries);
  const lines: string[] = [
    '# EKS Pod Identity permissions',
    '',
    `${plural(associations, 'association')} · ${plural(errors, 'error')} · ${plural(warnings, 'warning')}${acknowledged > 0 ? ` · ${acknowledged} acknowledged` : ''}`,
    '',
  ];
  if (entries.length === 0) {
    lines.push('No `AWS::EKS::PodIdentityAssociation` and no add-on `PodIdentityAssociations` in this cloud assembly.', '');
    return lines.join('\n');
  }
  // Role is the role EKS assumes (JSON `role`); a chained role is in its own column (JSON `targetRole`).
  lines.push('| Stack | Cluster | Namespace | Service account | Role | Target role | Findings |', '|---|---|---|---|---|---|---|');
  for (const entry of entries) {
    const open = entry.findings.filter(f => !f.acknowledged);
    const acknowledgedCount = entry.findings.length - open.length;
    const counts = entry.findings.length === 0 ? 'none'
      : [...[FindingSeverity.ERROR, FindingSeverity.WARNING]
        .map(severity => [severity, open.filter(f => f.severity === severity).length] as const)
        .filter(([, count]) => count > 0)
        .map(([severity, count]) => `${SEVERITY_ICON[severity.name]} ${plural(count, severity.name)}`),
      ...acknowledgedCount > 0 ? [`${ACKNOWLEDGED_ICON} ${acknowledgedCount} acknowledged`] : []].join(', ');
    lines.push(`| ${code(entry.stack)} | ${code(entry.clusterDisplayName)} | ${code(entry.namespace)} | ${code(entry.serviceAccount)} | ${code(entry.role.arn)} | ${entry.targetRole ? code(entry.targetRole.arn) : 'none'} | ${counts} |`);
  }
  lines.push('');
  for (const entry of entries) lines.push(...entryMarkdown(entry));
  lines.push(
    'Placeholders: `${LogicalId}` is what `Ref` returns for that resource, `${LogicalId.Attribute}` its `Fn::GetAtt`. ' +
    'AWS managed policies are listed by name only.',
    '',
  );
  return lines.join('\n');
}

function entryMarkdown(entry: PodIdentityReportEntry): string[] {
  const lines = [
    `## ${code(`${entry.namespace}/${entry.serviceAccount}`)} on cluster ${code(entry.clusterDisplayName)}`,
    '',
    ...entry.clusterDisplayName !== entry.cluster ? [`- Cluster: ${code(entry.clusterDisplayName)} (name ${code(entry.cluster)})`] : [],
    `- Association: ${code(entry.logicalId)} (${entry.resourceType}) in stack ${code(entry.stack)}`,
    `- Role: ${roleLine(entry.role)}`,
    `- Target role: ${entry.targetRole ? `${roleLine(entry.targetRole)} (pods get its credentials)` : 'none'}`,
    `- Session tags: ${entry.sessionTagsEnabled ? 'on' : 'off'}`,
    `- Trust: ${escape(entry.role.trustScope)}`,
    ...entry.targetRole ? [`- Target role trust: ${escape(entry.targetRole.trustScope)}`] : [],
    '',
    '| Effect | Actions | Resources | Condition | From |',
    '|---|---|---|---|---|',
  ];
  const roleRows = (role: ReportRole, prefix: string) => [
    ...role.policies.flatMap(policy => policyRows(policy, `${prefix}${policy.kind.name} ${code(policy.name)}`)),
    ...role.permissionsBoundary ? policyRows(role.permissionsBoundary, `${prefix}permissions boundary ${code(role.permissionsBoundary.name)} (limits)`) : [],
    ...role.inAssembly ? [] : [`| | (unknown: role not in the cloud assembly) | | | ${prefix}${code(role.arn)} |`],
  ];
  lines.push(...roleRows(entry.role, entry.targetRole ? 'role: ' : ''));
  if (entry.targetRole) lines.push(...roleRows(entry.targetRole, 'target role: '));
  if (entry.sessionPolicy !== undefined) {
    lines.push(...policyRows({ document: entry.sessionPolicy } as ReportPolicy, 'session policy (limits)'));
  }
  lines.push('');
  lines.push(...effectiveMarkdown(entry.role, entry.targetRole ? 'Role: effective' : 'Effective'));
  if (entry.targetRole) lines.push(...effectiveMarkdown(entry.targetRole, 'Target role: effective'));
  if (entry.findings.length > 0) {
    lines.push('Findings:', '');
    for (const finding of entry.findings) {
      const ack = finding.acknowledged;
      lines.push(ack
        ? `- ${ACKNOWLEDGED_ICON} acknowledged ${finding.severity.name} ${code(finding.id)}: ${escape(finding.message)}. Reason: ${escape(ack.reason)} (${escape(ack.source)})`
        : `- ${SEVERITY_ICON[finding.severity.name]} ${finding.severity.name} ${code(finding.id)}: ${escape(finding.message)}`);
    }
    lines.push('');
  }
  return lines;
}

/** The effective permissions, when a Deny or a permissions boundary makes them differ from the Allow statements. */
function effectiveMarkdown(role: ReportRole, title: string): string[] {
  const limited = role.permissionsBoundary !== undefined
    || role.policies.some(policy => statementsOf(policy.document).some(statement => statement.Effect === 'Deny'));
  if (!role.inAssembly || !limited) return [];
  if (role.effectivePermissionsUnknown) {
    return [`${title} permissions: unknown: ${escape(role.effectivePermissionsUnknown)}; at most the Allow statements above.`, ''];
  }
  if (role.effectivePermissions.length === 0) {
    return [`${title} permissions: none (every Allow is cancelled by an explicit Deny or outside the permissions boundary).`, ''];
  }
  return [
    `${title} permissions (the Allow statements within the permissions boundary, minus what an explicit Deny cancels):`,
    '',
    '| Actions | Resources | Condition | From |',
    '|---|---|---|---|',
    ...role.effectivePermissions.map(({ from, statement }) => {
      const actions = statement.NotAction !== undefined ? `all except ${codes(listOf(statement.NotAction))}` : codes(listOf(statement.Action));
      const resources = statement.NotResource !== undefined ? `all except ${codes(listOf(statement.NotResource))}` : codes(listOf(statement.Resource));
      return `| ${actions} | ${resources} | ${condition(statement.Condition)} | ${escape(from)} |`;
    }),
    '',
  ];
}

function roleLine(role: ReportRole): string {
  return role.inAssembly ? `${code(role.arn)} (${code(role.logicalId!)} in stack ${code(role.stack!)})` : `${code(role.arn)} (not in the cloud assembly)`;
}

function policyRows(policy: ReportPolicy, from: string): string[] {
  if (policy.document === undefined) return [`| | (${policy.kind === PolicyKind.AWS_MANAGED ? 'AWS managed policy' : 'unknown: not in the cloud assembly'}) | | | ${from} |`];
  const statements = statementsOf(typeof policy.document === 'string' ? {} : policy.document);
  if (statements.length === 0) return [`| | (no statements) | | | ${from} |`];
  return statements.map(statement => {
    const actions = statement.NotAction !== undefined ? `all except ${codes(listOf(statement.NotAction))}` : codes(listOf(statement.Action));
    const resources = statement.NotResource !== undefined ? `all except ${codes(listOf(statement.NotResource))}` : codes(listOf(statement.Resource));
    return `| ${statement.Effect} | ${actions} | ${resources} | ${condition(statement.Condition)} | ${from} |`;
  });
}

function condition(value: Json): string {
  if (!isObject(value)) return '';
  return Object.entries(value).flatMap(([operator, tests]) => isObject(tests)
    ? Object.entries(tests).map(([key, values]) => `${operator} ${code(key)}: ${codes(listOf(values))}`)
    : []).join('<br>');
}

function codes(values: string[]): string {
  return values.map(code).join('<br>');
}

/** Inline code in a table cell: pipes escaped (GitHub handles `\|` inside code spans in tables). */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.replace(/\|/g, '\\|').replace(/\n/g, ' ')}${fence}`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/([<>*_])/g, '\\$1').replace(/\n/g, ' ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
