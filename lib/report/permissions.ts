// What a role's pods may do: its effective permissions (policies, explicit Denies and the permissions boundary
// applied), and the findings about them (wildcard actions, write actions on every resource).
import { SourcedStatement, effectiveStatements, listOf } from './effective';
import { FindingId, FindingSeverity, PolicyKind, ReportEffectiveStatement, ReportFinding, ReportPolicy, ReportRole } from './model';
import { statementsOf } from './policy-documents';
import { Json } from './template';
import { isWriteAction } from '../private/acknowledgements';

/** AWS managed policies that grant every action (of a service, or of all): reported like a `*` action. */
const BROAD_AWS_MANAGED_POLICY = /^(AdministratorAccess|PowerUserAccess|.*FullAccess)$/;

/** AWS managed policies whose document is known here: as a boundary, they limit nothing. */
const UNLIMITING_AWS_MANAGED = ['AdministratorAccess'];

/** A role's statements by where they come from: `inline policy logs, statement 1`. */
function sourcedStatements(policies: ReportPolicy[]): SourcedStatement[] {
  return policies.flatMap(policy => statementsOf(policy.document)
    .map((statement, index) => ({ from: `${policy.kind.name} policy ${policy.name}, statement ${statement.Sid ?? index + 1}`, statement })));
}

/** The effective permissions of a role in the assembly (see `ReportRole.effectivePermissions`). */
export function effectiveOf(policies: ReportPolicy[], boundary: ReportPolicy | undefined): Pick<ReportRole, 'effectivePermissions' | 'effectivePermissionsUnknown'> {
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
  // The certain Denies among the policies' and the boundary's statements cancel what the Allows allow.
  const everyStatement = [...statements.map(s => s.statement), ...boundaryStatements ?? []];
  const effective = effectiveStatements(statements.filter(s => s.statement.Effect === 'Allow'), everyStatement, boundaryStatements);
  const effectivePermissions: ReportEffectiveStatement[] = [...effective.entries()]
    .flatMap(([source, list]) => list.map(statement => ({ from: source.from, statement })));
  return { effectivePermissions, effectivePermissionsUnknown: unknown };
}

export function permissionFindings(role: ReportRole, about: (finding: ReportFinding, from?: string) => ReportFinding): ReportFinding[] {
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
