// GitOps delivery: a workload's Kubernetes objects written as YAML files at synthesis, one folder per cluster and
// namespace with a kustomization.yaml, for Argo CD or Flux to sync. Workloads of one folder share it: the first one
// registered checks it, the Namespace belongs to the workload that creates it. One hook per app writes every
// directory and its file list (what the library wrote, by stack, and so the only files it ever deletes).
// The folders, the checks, the files, the file list and the writing are gitops-*.ts.
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import * as cxschema from 'aws-cdk-lib/cloud-assembly-schema';
import { Construct, IConstruct } from 'constructs';
import { appStateOf } from './app-store';
import { hasCustomSynthesis, onSynthesis } from './aws-cdk-internals';
import { literalClusterNameOf } from './cluster';
import { problem, quote } from './errors';
import { DirectoryChanges, writeDirectory } from './gitops-file-list';
import { RenderedFile, WORKLOAD_FILE_SUFFIX, compare, filesOf } from './gitops-files';
import { FolderEntry, GitOpsState, GitOpsTarget, folderConflicts, groupedFolders } from './gitops-folders';
import { tokensIn } from './gitops-tokens';
import { tell } from './progress';

export type { DeliveryTarget, GitOpsTarget } from './gitops-folders';

/**
 * Creates the construct that writes the chart of `target` into its GitOps folder at synthesis. Names that make up
 * folders and files must be literals (they are checked here, at construct time); every value of every object must
 * be a literal too (checked at synthesis, when the chart is final).
 */
export function deliverWithGitOps(scope: Construct, id: string, target: GitOpsTarget): Construct {
  const folderName = clusterFolderOf(target);
  for (const [what, value] of [['namespace', target.namespace], ['Deployment name', target.deploymentName]]) {
    if (Token.isUnresolved(value)) {
      throw problem('TokenInGitOpsManifest',
        `the ${what} of ${scope.node.path} is a CloudFormation token (${quote(Stack.of(scope).resolve(value))}), but GitOps delivery needs it at synth to name its folder and file`,
        `use a literal ${what}, or ManifestDelivery.kubectl()`);
    }
  }
  const writer = new Construct(scope, id);
  const subfolder = path.join(folderName, target.namespace);
  const state = appStateOf(scope, 'GitOpsDelivery', (): GitOpsState => ({ entries: [] }));
  // One hook per app writes every directory, after every stage is validated and the app checks have run.
  if (state.entries.length === 0) onAppSynthesized(scope.node.root, () => writeDirectories(state, scope.node.root));
  const entry: FolderEntry = { writer, target, fileName: `${target.deploymentName}${WORKLOAD_FILE_SUFFIX}`, subfolder, stackPath: Stack.of(writer).node.path };
  state.entries.push(entry);
  FOLDER_OF_WRITER.set(writer, path.join(target.directory, subfolder));
  writer.node.addValidation({
    validate: () => {
      const folder = groupedFolders(state).folderOf.get(entry)!;
      // The folder's conflicts are reported once, by its first workload.
      return folder.entries[0] === entry ? folderConflicts(folder) : [];
    },
  });
  writer.node.addValidation({ validate: () => tokensIn(writer, target) });
  return writer;
}

/**
 * Runs `write` when the app (the root) synthesizes, after its nested stages have synthesized and the root's
 * validations (the app checks, which report with annotations) have run: a hook of the root itself, or (when the
 * root has one already) of a child of the root, which CDK synthesizes after the same steps.
 */
function onAppSynthesized(root: IConstruct, write: () => void): void {
  const holder = !hasCustomSynthesis(root) ? root as Construct : new Construct(root, 'CdkEksPodIdentityGitOps');
  onSynthesis(holder, write);
}

const FOLDER_OF_WRITER = new WeakMap<Construct, string>();

/** The folder (as given, relative or absolute) a GitOps writer writes to; undefined for any other construct. */
export function gitOpsFolderOf(writer: Construct): string | undefined {
  return FOLDER_OF_WRITER.get(writer);
}

function clusterFolderOf(target: GitOpsTarget): string {
  if (target.clusterFolder !== undefined) return target.clusterFolder;
  const name = literalClusterNameOf(target.cluster);
  if (name === undefined) {
    throw problem('GitOpsClusterFolderRequired',
      `the name of cluster ${target.cluster.node.path} is chosen by CloudFormation at deploy time, but GitOps delivery needs it at synth to name the cluster's folder`,
      'give the cluster a literal clusterName, or pass clusterFolder to ManifestDelivery.gitOps({ directory, clusterFolder })');
  }
  return name;
}

/**
 * Writes every GitOps directory of the app, once per synthesis, after every stage is validated and the app checks
 * have run. Nothing is written or deleted when the app has an error annotation (of this library's checks or any
 * other: the CDK CLI fails such a synth) or a check of any GitOps workload fails.
 */
function writeDirectories(state: GitOpsState, root: IConstruct): void {
  const constructs = root.node.findAll();
  if (constructs.some(c => c.node.metadata.some(m => m.type === cxschema.ArtifactMetadataEntryType.ERROR))) return;
  const all = groupedFolders(state).folders;
  if (all.some(folder => folderConflicts(folder).length > 0 || folder.entries.some(e => tokensIn(e.writer, e.target).length > 0))) return;
  // The stacks of this synthesis: only their files may be deleted (a stack left out keeps its files).
  const present = new Set(constructs.filter(c => Stack.isStack(c)).map(c => c.node.path));
  const byDirectory = new Map<string, Map<string, RenderedFile>>();
  for (const folder of all) {
    const files = byDirectory.get(folder.directory) ?? new Map<string, RenderedFile>();
    byDirectory.set(folder.directory, files);
    for (const [name, file] of filesOf(folder)) files.set(`${folder.subfolder}/${name}`, file);
  }
  for (const [directory, files] of [...byDirectory].sort(([a], [b]) => compare(a, b))) {
    const changes = writeDirectory(directory, files, present);
    for (const line of changeLines(directory, changes)) tell(root, line);
  }
}

/**
 * One line per cluster folder: `cdk-eks-pod-identity: gitops/prod/: 3 written, 0 unchanged, 1 removed`, the
 * folder relative to the working directory (absolute when outside it). A file is `<cluster>/<namespace>/<file>`.
 */
export function changeLines(directory: string, changes: DirectoryChanges): string[] {
  const relative = path.relative(process.cwd(), directory);
  // (The working directory itself is '': path.join drops it, as it would drop '.'.)
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? directory : relative;
  const counts = new Map<string, { written: number; unchanged: number; removed: number }>();
  for (const kind of ['written', 'unchanged', 'removed'] as const) {
    for (const file of changes[kind]) {
      const clusterFolder = path.posix.dirname(path.posix.dirname(file));
      const count = counts.get(clusterFolder) ?? { written: 0, unchanged: 0, removed: 0 };
      count[kind]++;
      counts.set(clusterFolder, count);
    }
  }
  return [...counts].sort(([a], [b]) => compare(a, b)).map(([clusterFolder, count]) =>
    `cdk-eks-pod-identity: ${path.join(shown, clusterFolder)}${path.sep}: ${count.written} written, ${count.unchanged} unchanged, ${count.removed} removed`);
}
