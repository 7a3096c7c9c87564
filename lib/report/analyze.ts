// Builds the report's entries from a cloud assembly: one per Pod Identity association (AWS::EKS::PodIdentityAssociation
// and the PodIdentityAssociations of AWS::EKS::Addon), each with its role(s), policies, trust scope and findings.
import { GivenAcknowledgement, Subject, applyAcknowledgements } from './acknowledgements';
import { CloudAssembly } from './assembly';
import { items } from './intrinsics';
import { expectObject, required, within } from './malformed';
import { PodIdentityReportEntry, ReportFinding, ReportRole } from './model';
import { permissionFindings } from './permissions';
import { AssemblyRoles } from './roles';
import { Json, Template, constructPathOf, sortedEntries } from './template';
import { admitsFindings, trustFindings } from './trust';
import { CLUSTER_ARN_TAG, CLUSTER_NAME_TAG, knownAddon, NAMESPACE_TAG, POD_NAME_TAG, POD_UID_TAG, SERVICE_ACCOUNT_TAG } from '../private/eks-facts';
import { Progress } from '../private/progress';

/** Resource types of EKS clusters (aws-eks-v2's, and aws-eks's custom resource). */
const CLUSTER_TYPES = ['AWS::EKS::Cluster', 'Custom::AWSCDK-EKS-Cluster'];

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

class Analysis {
  /** The roles of the assembly, and what each finding is about. */
  private readonly roles: AssemblyRoles;

  constructor(
    private readonly assembly: CloudAssembly,
    private readonly acknowledgements: GivenAcknowledgement[],
    private readonly progress?: Progress,
  ) {
    this.roles = new AssemblyRoles(assembly);
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

    const role = this.roles.role(props.RoleArn, template, placeholders, findings, 'role');
    const about = (reportRole: ReportRole, list: ReportFinding[], from?: string) => list.map(finding => this.roles.about(finding, reportRole, from));
    findings.push(...about(role, [...trustFindings(role), ...admitsFindings(role, { namespace, 'service account': serviceAccount })]));
    const targetRole = props.TargetRoleArn === undefined ? undefined
      : this.roles.role(props.TargetRoleArn, template, placeholders, findings, 'target role');
    for (const reportRole of [role, targetRole]) {
      if (reportRole) findings.push(...permissionFindings(reportRole, (finding, from) => this.roles.about(finding, reportRole, from)));
    }
    // `locate` finds only names `in` a template's resources: a resource (an object, checked when the template was read)
    // or a member every object has (`constructor`), never undefined.
    const located = this.assembly.locate(props.ClusterName, template);
    const clusterDisplayName = located && CLUSTER_TYPES.includes(located.template.resources[located.logicalId].Type)
      ? clusterNameOf(located.template, located.logicalId) ?? cluster : cluster;

    const sessionTagsEnabled = !(props.DisableSessionTags === true || props.DisableSessionTags === 'true');
    const sessionTags: Record<string, string> = {};
    if (sessionTagsEnabled) {
      // A cluster of the assembly is known by its ARN attribute (as a trust scoped by cluster ARN names it); any
      // other by the ARN EKS builds from the name.
      const clusterArn = located && CLUSTER_TYPES.includes(located.template.resources[located.logicalId].Type)
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

    const entry: Omit<PodIdentityReportEntry, 'findings'> = {
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
    };
    const association: Subject = { template, logicalId };
    // Every finding above was recorded by `this.roles.about`: what it is about (the role a role selector matches, the
    // resources a resource selector and Metadata are read from), besides the association.
    const subjected = findings.map(finding => {
      const { subjects, role: aboutRole } = this.roles.aboutOf(finding)!;
      return { finding, subjects: [association, ...subjects], role: aboutRole };
    });
    const acknowledged = applyAcknowledgements(entry, subjected, this.acknowledgements);
    return { ...entry, findings: sortFindings(acknowledged) };
  }
}

/** A cluster of the assembly (a resource of `template`) by its literal name (aws-eks-v2 `Name`, aws-eks `Config.name`), else its construct path. */
function clusterNameOf(template: Template, logicalId: string): string | undefined {
  const props = template.resources[logicalId].Properties;
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
