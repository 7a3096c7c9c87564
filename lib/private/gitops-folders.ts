// The folders of GitOps delivery: the workloads whose resolved `<directory>/<cluster folder>/<namespace>` is one
// path share one folder, grouped at synthesis; a folder used for two clusters (or under two directories), or a file
// written by two workloads, is a GitOpsFileConflict.
import * as path from 'path';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { clusterKey, clusterLabel } from './cluster';
import { formatProblem, quote } from './errors';

/** What a delivery delivers: a workload's chart, and what it needs to know about it. */
export interface DeliveryTarget {
  readonly cluster: eks.IClusterRef;
  readonly namespace: string;
  readonly deploymentName: string;
  /** Renders the chart's objects (once per synthesis: checks and delivery share the result). */
  readonly render: () => Array<Record<string, any>>;
  /** Lets go of the rendering once the delivery has what it needs. */
  readonly releaseRendering: () => void;
  /** The name of the chart's Namespace object, when the workload creates the namespace. */
  readonly namespaceName?: string;
}

/** Where a workload's objects go. */
export interface GitOpsTarget extends DeliveryTarget {
  /** The folder everything is written under; relative paths resolve against the working directory at synth. */
  readonly directory: string;
  /** The cluster's folder under `directory`; default: the cluster's literal name. */
  readonly clusterFolder?: string;
}

export interface FolderEntry {
  readonly writer: Construct;
  readonly target: GitOpsTarget;
  readonly fileName: string;
  /** `<cluster folder>/<namespace>`, under the entry's `target.directory`. */
  readonly subfolder: string;
  /** The construct path of the writer's stack: the owner recorded in the file list (stable across synths). */
  readonly stackPath: string;
}

/** One folder on disk: the entries whose resolved `<directory>/<cluster folder>/<namespace>` is the same path. */
export class GitOpsFolder {
  public readonly entries: FolderEntry[] = [];
  /**
   * `directory`: resolved; `subfolder`: relative to it, forward slashes; `absolutePath`: both joined. A folder
   * written as `gitops` and as its absolute path is one folder.
   */
  constructor(public readonly directory: string, public readonly subfolder: string, public readonly absolutePath: string) {}
}

/** The GitOps workloads of an app; folders are grouped lazily, at synthesis, when relative paths resolve. */
export interface GitOpsState {
  readonly entries: FolderEntry[];
  grouped?: { readonly cwd: string; readonly count: number; readonly folderOf: Map<FolderEntry, GitOpsFolder>; readonly folders: GitOpsFolder[] };
}

/** Groups the entries by resolved folder (once per working directory and number of entries). */
export function groupedFolders(state: GitOpsState): NonNullable<GitOpsState['grouped']> {
  const cwd = process.cwd();
  if (state.grouped?.cwd === cwd && state.grouped.count === state.entries.length) return state.grouped;
  const byPath = new Map<string, GitOpsFolder>();
  const folderOf = new Map<FolderEntry, GitOpsFolder>();
  for (const entry of state.entries) {
    const directory = path.resolve(entry.target.directory);
    const absolutePath = path.resolve(directory, entry.subfolder);
    let folder = byPath.get(absolutePath);
    if (!folder) {
      folder = new GitOpsFolder(directory, entry.subfolder.split(/[\\/]/).filter(s => s !== '' && s !== '.').join('/'), absolutePath);
      byPath.set(absolutePath, folder);
    }
    folder.entries.push(entry);
    folderOf.set(entry, folder);
  }
  state.grouped = { cwd, count: state.entries.length, folderOf, folders: [...byPath.values()] };
  return state.grouped;
}

/** `GitOpsFileConflict`: two clusters (or two directories) in one folder, or two workloads writing one file. */
export function folderConflicts(folder: GitOpsFolder): string[] {
  const errors: string[] = [];
  const first = folder.entries[0];
  const byFile = new Map<string, FolderEntry>();
  for (const entry of folder.entries) {
    if (clusterKey(entry.target.cluster) !== clusterKey(first.target.cluster)) {
      errors.push(formatProblem('GitOpsFileConflict',
        `folder ${quote(folder.absolutePath)} is used for cluster ${clusterLabel(first.target.cluster)} by ${first.writer.node.scope!.node.path} and for cluster ${clusterLabel(entry.target.cluster)} by ${entry.writer.node.scope!.node.path}`,
        'give each cluster a folder of its own with clusterFolder (e.g. the account and region: \'111111111111-us-east-1-main\'), or a different directory'));
      continue;
    }
    if (path.resolve(entry.target.directory) !== folder.directory) {
      errors.push(formatProblem('GitOpsFileConflict',
        `folder ${quote(folder.absolutePath)} is written by ${first.writer.node.scope!.node.path} under directory ${quote(folder.directory)} and by ${entry.writer.node.scope!.node.path} under directory ${quote(path.resolve(entry.target.directory))}: each directory's file list would claim the other's files`,
        'use one directory for both workloads (a directory inside another one is not supported)'));
      continue;
    }
    const earlier = byFile.get(entry.fileName);
    if (earlier) {
      errors.push(formatProblem('GitOpsFileConflict',
        `${earlier.writer.node.scope!.node.path} and ${entry.writer.node.scope!.node.path} both write ${quote(path.join(folder.absolutePath, entry.fileName))} (Deployment ${quote(entry.target.deploymentName)} in namespace ${quote(entry.target.namespace)})`,
        'give the workloads distinct deploymentName values'));
    } else {
      byFile.set(entry.fileName, entry);
    }
  }
  return errors;
}
