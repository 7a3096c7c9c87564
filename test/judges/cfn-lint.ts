// Judge: the official CloudFormation linter (cfn-lint, AWS's own, preinstalled on our machines; elsewhere
// `pip install cfn-lint`) over synthesized templates, keeping the findings on resources this library creates
// (every CloudFormation resource under one of its constructs, and the Pod Identity Agent add-on it configures).
// aws-cdk-lib's own findings (e.g. W3005 on its VPC and cluster resources) are not ours to fix.
import { execFileSync, spawnSync } from 'child_process';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct, IConstruct } from 'constructs';
import * as lib from '../../lib';

export const CFN_LINT_MISSING = 'cfn-lint (the official CloudFormation linter) is not installed: `pip install cfn-lint` (1.51 is tested)';

/** One finding, as `<Rule> <template>#<logical id>: <message>`, readable in a failing test. */
export type Finding = string;

const LIBRARY_CLASSES = (Object.values(lib) as unknown[]).filter((value): value is Function =>
  typeof value === 'function' && value.prototype instanceof Construct);

/** Whether a resource was created by this library (or is the agent add-on it configures on aws-cdk-lib clusters). */
export function isLibraryResource(resource: CfnResource): boolean {
  if (resource instanceof eks.CfnAddon && resource.addonName === lib.PodIdentityAgentAddon.ADDON_NAME) return true;
  return resource.node.scopes.some(scope => LIBRARY_CLASSES.some(cls => scope instanceof cls));
}

/** Lints every template of a synthesized app; returns the findings on the resources `isOurs` accepts. */
export function cfnLintFindings(app: App, isOurs: (resource: CfnResource) => boolean = isLibraryResource): Finding[] {
  if (spawnSync('cfn-lint', ['--version']).status !== 0) throw new Error(CFN_LINT_MISSING);
  const assembly = app.synth();
  const ours = new Map<string, Set<string>>();
  for (const construct of app.node.findAll() as IConstruct[]) {
    if (!CfnResource.isCfnResource(construct) || !isOurs(construct)) continue;
    const stack = Stack.of(construct);
    const template = assembly.getStackArtifact(stack.artifactId).templateFullPath;
    ours.set(template, (ours.get(template) ?? new Set()).add(stack.resolve(construct.logicalId)));
  }
  const templates = assembly.stacks.map(stack => stack.templateFullPath);
  let output: string;
  try {
    output = execFileSync('cfn-lint', ['--format', 'json', ...templates], { encoding: 'utf-8' });
  } catch (error: any) {
    // cfn-lint exits non-zero when it finds something; the findings are on stdout.
    if (typeof error.stdout !== 'string' || !error.stdout.trim().startsWith('[')) throw error;
    output = error.stdout;
  }
  return (JSON.parse(output) as any[])
    .filter(finding => {
      const [section, logicalId] = finding.Location?.Path ?? [];
      return section === 'Resources' && ours.get(finding.Filename)?.has(logicalId);
    })
    .map(finding => `${finding.Rule.Id} ${finding.Filename.split('/').pop()}#${finding.Location.Path.slice(1).join('/')}: ${finding.Message}`);
}
