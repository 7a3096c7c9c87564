// Which findings are acknowledged: by the Metadata of a resource they are about (written in code with
// `PodIdentityReport.acknowledge`, or by a preset), or by an acknowledgement given to the report (a file).
import * as fs from 'fs';
import { PodIdentityReportEntry, ReportAcknowledgement, ReportFinding, ReportRole } from './model';
import { Template, constructPathOf, isObject } from './template';
import { ACKNOWLEDGEMENTS_METADATA_KEY, acknowledgementProblem } from '../private/acknowledgements';
import { PodIdentityError, formatProblem, kindOf, quote } from '../private/errors';

/** A resource a finding is about: the association, a role, a policy. */
export interface Subject {
  readonly template: Template;
  readonly logicalId: string;
}

/** An acknowledgement given to the report, with where it was written (`acks.json acknowledgements[2]`). */
export interface GivenAcknowledgement {
  readonly ack: ReportAcknowledgement;
  readonly source: string;
}

/** The role a finding is about, with its resource when the role is in the assembly. */
export interface AboutRole {
  readonly role: ReportRole;
  readonly self?: Subject;
}

/** The fields of an acknowledgement that select associations. */
const MATCH_FIELDS = ['stack', 'cluster', 'namespace', 'serviceAccount', 'role', 'resource'] as const;

/** Each finding, acknowledged when an acknowledgement applies (the first one, metadata before the file's). */
export function applyAcknowledgements(
  entry: Omit<PodIdentityReportEntry, 'findings'>,
  findings: Array<{ finding: ReportFinding; subjects: Subject[]; role: AboutRole }>,
  acknowledgements: GivenAcknowledgement[],
): ReportFinding[] {
  return findings.map(({ finding, subjects, role }) => {
    for (const subject of subjects) {
      const written = subject.template.resources[subject.logicalId]?.Metadata?.[ACKNOWLEDGEMENTS_METADATA_KEY];
      const ack = Array.isArray(written) ? written.find(a => isObject(a) && a.id === finding.id && typeof a.reason === 'string') : undefined;
      if (ack) return { ...finding, acknowledged: { reason: ack.reason, source: `metadata of ${nameOf(subject)}` } };
    }
    const given = acknowledgements.find(({ ack }) => ack.id === finding.id && matches(ack, entry, subjects, role));
    if (given) return { ...finding, acknowledged: { reason: given.ack.reason.trim(), source: given.source } };
    return finding;
  });
}

function nameOf(subject: Subject): string {
  return constructPathOf(subject.template, subject.logicalId) ?? `${subject.template.name}/${subject.logicalId}`;
}

function matches(
  ack: ReportAcknowledgement, entry: Omit<PodIdentityReportEntry, 'findings'>, subjects: Subject[], about: AboutRole,
): boolean {
  const names = (subject: Subject) => [subject.logicalId, constructPathOf(subject.template, subject.logicalId)];
  const candidates: Record<typeof MATCH_FIELDS[number], Array<string | undefined>> = {
    stack: [entry.stack],
    cluster: [entry.cluster, entry.clusterDisplayName],
    namespace: [entry.namespace],
    serviceAccount: [entry.serviceAccount],
    role: [about.role.arn, about.role.logicalId, ...about.self ? names(about.self) : []],
    resource: subjects.flatMap(names),
  };
  return MATCH_FIELDS.every(field => ack[field] === undefined
    || candidates[field].some(value => value !== undefined && glob(ack[field]!).test(value)));
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

const FILE_FORMAT = 'a JSON object { "acknowledgements": [{ "id": "<finding id>", "reason": "<why, 10+ characters>", and at least one of "stack", "cluster", "namespace", "serviceAccount", "role", "resource" }] }';

/** Reads an acknowledgements file (see {@link FILE_FORMAT}); throws `MalformedAcknowledgements` naming the file and what is wrong. */
export function readAcknowledgementsFile(file: string): ReportAcknowledgement[] {
  const wrong = (what: string) => new PodIdentityError('MalformedAcknowledgements', formatProblem('MalformedAcknowledgements',
    `${file}: ${what}`.replace(/\s*\n\s*/g, ' '), `write ${FILE_FORMAT}`));
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw wrong(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw wrong(`is not JSON (${(error as Error).message})`);
  }
  if (!isObject(json) || !Array.isArray(json.acknowledgements)) {
    throw wrong(isObject(json) ? `acknowledgements is ${kindOf(json.acknowledgements)}, not an array` : `is ${kindOf(json)}, not an object`);
  }
  return json.acknowledgements.map((ack: any, index: number) => {
    const at = `acknowledgements[${index}]`;
    if (!isObject(ack)) throw wrong(`${at} is ${kindOf(ack)}, not an object`);
    const problem = acknowledgementProblem(ack);
    if (problem) throw wrong(`${at}: ${problem}`);
    const selectors = selectorProblem(ack, at);
    if (selectors) throw wrong(selectors);
    return { ...ack } as ReportAcknowledgement;
  });
}

/** Checks acknowledgements given in code to the report (`PodIdentityReport.fromCloudAssembly(dir, { acknowledgements })`). */
export function checkAcknowledgements(acknowledgements: ReportAcknowledgement[]): void {
  if (!Array.isArray(acknowledgements)) { // a JavaScript caller's
    throw new PodIdentityError('InvalidAcknowledgement', formatProblem('InvalidAcknowledgement',
      `acknowledgements is ${kindOf(acknowledgements)}, not an array`,
      'give an array of acknowledgements, each with a finding id, a reason of at least 10 characters, and what it applies to'));
  }
  acknowledgements.forEach((ack, index) => {
    const at = `acknowledgements[${index}]`;
    const problem = !isObject(ack) ? `${at}: is ${kindOf(ack)}, not an object`
      : acknowledgementProblem(ack) !== undefined ? `${at}: ${acknowledgementProblem(ack)}` : selectorProblem(ack as unknown as Record<string, unknown>, at);
    if (problem) {
      throw new PodIdentityError('InvalidAcknowledgement', formatProblem('InvalidAcknowledgement', problem,
        'give a finding id, a reason of at least 10 characters, and what it applies to (stack, cluster, namespace, serviceAccount, role or resource)'));
    }
  });
}

/**
 * What is wrong with the selectors of an acknowledgement (file or code): an unknown field (a misspelt selector would
 * widen it), a selector that is not a non-empty string, or none at all; undefined when they are fine.
 */
function selectorProblem(ack: Record<string, unknown>, at: string): string | undefined {
  const unknown = Object.keys(ack).filter(key => key !== 'id' && key !== 'reason' && !(MATCH_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) return `${at} has the unknown field ${JSON.stringify(unknown[0])} (fields: id, reason, ${MATCH_FIELDS.join(', ')})`;
  const given = MATCH_FIELDS.filter(field => ack[field] !== undefined);
  for (const field of given) {
    if (typeof ack[field] !== 'string' || ack[field] === '') return `${at}.${field} is ${quote(ack[field])}, not a non-empty string`;
  }
  if (given.length === 0) return `${at} (${ack.id}) selects nothing: give at least one of ${MATCH_FIELDS.join(', ')} (use "*" deliberately, e.g. "stack": "*")`;
  return undefined;
}
