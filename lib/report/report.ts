import { analyzeAssembly } from './analyze';
import { CloudAssembly } from './assembly';
import { FindingSeverity, PodIdentityReportEntry, ReportFinding } from './model';
import { toJsonDocument, toMarkdown } from './writers';

/**
 * Who may do what: every EKS Pod Identity association of a synthesized cloud assembly (nested stacks and stages
 * included) with its cluster, namespace, service account, role, target role, session tags, trust scope and
 * permissions, and findings about them. Works on any template: associations made by this library, by aws-cdk-lib's
 * `ServiceAccount` (`IdentityType.POD_IDENTITY`), by hand (`CfnPodIdentityAssociation`) or by an add-on's
 * `PodIdentityAssociations`.
 *
 * Also a command: `npx cdk-eks-pod-identity report [cdk.out] [--format markdown|json] [--fail-on warning|error]`.
 */
export class PodIdentityReport {
  /**
   * Reads a cloud assembly directory (the one with `manifest.json`, e.g. `cdk.out` or `app.synth().directory`).
   */
  public static fromCloudAssembly(directory: string): PodIdentityReport {
    return new PodIdentityReport(analyzeAssembly(CloudAssembly.read(directory)));
  }

  /** One entry per association, sorted by stack, cluster, namespace, service account and logical id. */
  public readonly entries: PodIdentityReportEntry[];

  private constructor(entries: PodIdentityReportEntry[]) {
    this.entries = entries;
  }

  /** Every finding of every entry, errors first. */
  public get findings(): ReportFinding[] {
    return [...this.entries.flatMap(entry => entry.findings)].sort((a, b) => b.severity.rank - a.severity.rank);
  }

  /** Whether a finding of `severity` or worse exists. */
  public hasFindings(severity: FindingSeverity): boolean {
    return this.entries.some(entry => entry.findings.some(finding => finding.severity.atLeast(severity)));
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
