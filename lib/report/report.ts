import { IConstruct } from 'constructs';
import { checkAcknowledgements, readAcknowledgementsFile } from './acknowledgements';
import { analyzeAssembly } from './analyze';
import { CloudAssembly } from './assembly';
import { FindingAcknowledgement, FindingSeverity, PodIdentityReportEntry, PodIdentityReportOptions, ReportFinding } from './model';
import { toJsonDocument, toMarkdown } from './writers';
import { acknowledgeFindings } from '../private/acknowledgements';
import { Progress } from '../private/progress';

/**
 * Who may do what: every EKS Pod Identity association of a synthesized cloud assembly (nested stacks and stages
 * included) with its cluster, namespace, service account, role, target role, session tags, trust scope and
 * permissions, and findings about them. Works on any template: associations made by this library, by aws-cdk-lib's
 * `ServiceAccount` (`IdentityType.POD_IDENTITY`), by hand (`CfnPodIdentityAssociation`) or by an add-on's
 * `PodIdentityAssociations`.
 *
 * Also a command: `npx cdk-eks-pod-identity report [cdk.out] [--format markdown|json] [--fail-on warning|error]
 * [--acknowledgements file.json]`.
 */
export class PodIdentityReport {
  /**
   * Reads a cloud assembly directory (the one with `manifest.json`, e.g. `cdk.out` or `app.synth().directory`).
   * Findings acknowledged in the templates (`PodIdentityReport.acknowledge`, presets) or by `options` are listed as
   * acknowledged, with their reason. On a terminal, a large assembly shows its progress on stderr.
   */
  public static fromCloudAssembly(directory: string, options?: PodIdentityReportOptions): PodIdentityReport {
    options = options ?? {}; // null from JavaScript too
    const given = options.acknowledgements ?? [];
    checkAcknowledgements(given);
    const file = options.acknowledgementsFile;
    const fromFile = file !== undefined ? readAcknowledgementsFile(file) : [];
    return new PodIdentityReport(analyzeAssembly(CloudAssembly.read(directory), [
      ...given.map((ack, index) => ({ ack, source: `acknowledgements[${index}]` })),
      ...fromFile.map((ack, index) => ({ ack, source: `${file} acknowledgements[${index}]` })),
    ], Progress.onTerminal('report: resources read')));
  }

  /**
   * Acknowledges findings of the permissions report on `scope`, with the reason each is acceptable (as cdk-nag
   * suppressions are): the report lists them as acknowledged and never counts them for `--fail-on`. Written into
   * the template (resource Metadata `cdk-eks-pod-identity:acknowledgements`) of the resource `scope` stands for (a
   * role's `AWS::IAM::Role`, a policy, an association), or of every association, add-on, role and policy under it
   * (a workload, a stack). A finding is acknowledged when it is about one of them: its association, its role, or
   * the policy of the statement it names.
   *
   * @param scope the role, policy, association, workload or stack
   * @param acknowledgements finding ids (`FindingId`) with their reasons (at least 10 characters)
   */
  public static acknowledge(scope: IConstruct, acknowledgements: FindingAcknowledgement[]): void {
    acknowledgeFindings(scope, acknowledgements);
  }

  /** One entry per association, sorted by stack, cluster, namespace, service account and logical id. */
  public readonly entries: PodIdentityReportEntry[];

  private constructor(entries: PodIdentityReportEntry[]) {
    this.entries = entries;
  }

  /** Every finding of every entry (acknowledged ones included), errors first. */
  public get findings(): ReportFinding[] {
    return [...this.entries.flatMap(entry => entry.findings)].sort((a, b) => b.severity.rank - a.severity.rank);
  }

  /** Whether a finding of `severity` or worse exists that is not acknowledged. */
  public hasFindings(severity: FindingSeverity): boolean {
    return this.entries.some(entry => entry.findings.some(finding => !finding.acknowledged && finding.severity.atLeast(severity)));
  }

  /**
   * The entries of the pods of one service account (several when it is associated on several clusters).
   */
  public entriesFor(namespace: string, serviceAccount: string): PodIdentityReportEntry[] {
    return this.entries.filter(entry => entry.namespace === namespace && entry.serviceAccount === serviceAccount);
  }

  /** The report as Markdown, fit for a pull-request comment. */
  public toMarkdown(): string {
    return toMarkdown(this.entries);
  }

  /**
   * The report as JSON text (`formatVersion`, `summary`, `associations`): each association carries what an IAM
   * policy evaluator needs (trust policy, identity policies, boundary, session policy, session tags, role chain)
   * and the placeholders used in them.
   */
  public toJson(): string {
    return JSON.stringify(toJsonDocument(this.entries), undefined, 2) + '\n';
  }
}
