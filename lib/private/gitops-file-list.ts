// A GitOps directory's file list (what the library wrote there, each file with the stacks it belongs to, and so the
// only files it ever deletes), and writing one directory with it: the files of this synthesis written, the listed
// files of stacks absent from it kept, the stale ones of its stacks deleted.
import * as fs from 'fs';
import * as path from 'path';
import { problem, quote } from './errors';
import { KUSTOMIZATION_FILE, RenderedFile, compare, kustomizationOf } from './gitops-files';
import { deleteListed, isFileInside, writeInside } from './gitops-write';

/**
 * The file, at the top of a GitOps directory, listing every file the library wrote there (sorted relative paths with
 * forward slashes, each with the construct paths of its stacks): what it deletes when it no longer writes them and
 * one of their stacks is synthesized. No `.json`/`.yaml` extension, so Argo CD and Flux
 * never read it as a Kubernetes manifest. Commit it with the files.
 */
export const GITOPS_FILE_LIST = '.cdk-eks-pod-identity-files';
const FILE_LIST_ABOUT = 'Files cdk-eks-pod-identity wrote into this directory at cdk synth, each with the construct paths of the stacks that wrote it; a synth deletes the ones it no longer writes when one of their stacks is in that synth, and only those. Commit this file with them.';

/** What writing one directory did, file by file (relative paths). */
export interface DirectoryChanges {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
}

/**
 * Writes one directory: its files, then deletes the files of its file list that are not written any more and belong
 * to a stack of this synthesis (and the folders that leaves empty), then the new file list. Listed files of stacks
 * absent from this synthesis are kept, and so are their entries in their folder's kustomization.yaml. Only files in
 * the file list are ever deleted.
 */
export function writeDirectory(directory: string, rendered: Map<string, RenderedFile>, present: Set<string>): DirectoryChanges {
  fs.mkdirSync(directory, { recursive: true });
  const listFile = path.join(directory, GITOPS_FILE_LIST);
  const listed = readFileList(listFile);
  const isKustomization = (file: string) => path.posix.basename(file) === KUSTOMIZATION_FILE;
  const ownedByPresent = (owners: string[]) => owners.some(owner => present.has(owner));
  // Kept: listed workload and namespace files of absent stacks, still in place, that this synthesis does not write.
  const kept = new Map<string, string[]>();
  for (const [file, owners] of listed) {
    if (!rendered.has(file) && !isKustomization(file) && !ownedByPresent(owners) && isFileInside(directory, file)) kept.set(file, owners);
  }
  // Every folder with a file written or kept gets a kustomization listing them, owned by all their stacks.
  const files = new Map<string, RenderedFile>(rendered);
  const byFolder = new Map<string, Array<[string, string[]]>>();
  for (const [file, owners] of [...[...rendered].map(([f, r]) => [f, [...r.owners]] as [string, string[]]), ...kept]) {
    const folder = path.posix.dirname(file);
    // Appended in place: copying the folder's list per file is quadratic in a folder of thousands of files.
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder)!.push([path.posix.basename(file), owners]);
  }
  for (const [folder, resources] of byFolder) {
    files.set(`${folder}/${KUSTOMIZATION_FILE}`, {
      content: kustomizationOf(resources.map(([name]) => name)),
      owners: new Set(resources.flatMap(([, owners]) => owners)),
    });
  }
  for (const [file, owners] of listed) {
    if (!files.has(file) && isKustomization(file) && !ownedByPresent(owners) && isFileInside(directory, file)) kept.set(file, owners);
  }
  const written = [...files.keys()].sort(compare);
  const stale = [...listed.keys()].filter(file => !files.has(file) && !kept.has(file));
  const newList = new Map<string, string[]>([...kept, ...[...files].map(([file, r]) => [file, [...r.owners]] as [string, string[]])]);
  // Until the stale files are gone, the list holds them too: an interrupted synth leaves none unlisted.
  const interim = new Map<string, string[]>(listed);
  for (const [file, owners] of newList) interim.set(file, [...new Set([...interim.get(file) ?? [], ...owners])]);
  writeInside(directory, GITOPS_FILE_LIST, fileListText(interim));
  const changed = written.filter(file => writeInside(directory, file, files.get(file)!.content));
  const removed: string[] = [];
  for (const file of stale) {
    try {
      if (deleteListed(directory, file)) removed.push(file);
    } catch (e) {
      throw problem('InvalidGitOpsDirectory', `GitOps delivery cannot delete ${quote(file)}, which it wrote before and no longer writes, in directory ${quote(directory)}: ${(e as Error).message}`,
        'make the directory writable (or delete the file yourself and remove it from the file list)');
    }
  }
  writeInside(directory, GITOPS_FILE_LIST, fileListText(newList));
  const changedFiles = new Set(changed); // a lookup per written file: a list would be quadratic
  return { written: changed, unchanged: written.filter(file => !changedFiles.has(file)), removed };
}

/** The file list: every file written (and kept), by relative path, with the construct paths of the stacks it belongs to. */
function fileListText(files: Map<string, string[]>): string {
  const sorted = [...files.keys()].sort(compare).map(file => [file, [...new Set(files.get(file))].sort(compare)]);
  return JSON.stringify({ about: FILE_LIST_ABOUT, files: Object.fromEntries(sorted) }, undefined, 2) + '\n';
}

/** The files of a directory's file list with their owner stacks (none when there is no list yet); throws for a list it cannot trust. */
function readFileList(listFile: string): Map<string, string[]> {
  if (!fs.existsSync(listFile)) return new Map();
  const wrong = (what: string) => problem('InvalidGitOpsFileList',
    `the file list ${quote(listFile)} (what GitOps delivery wrote, and so may delete) ${what}`,
    'restore it from Git; or delete it (the next synth then deletes nothing and writes a new list: remove files of workloads that are gone by hand)');
  let list: any;
  try {
    list = JSON.parse(fs.readFileSync(listFile, 'utf8'));
  } catch (e) {
    throw wrong(`cannot be read as JSON: ${(e as Error).message}`);
  }
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(list) || !isObject(list.files)) {
    throw wrong('is not an object with a "files" object (each file\'s relative path -> the construct paths of the stacks that wrote it)');
  }
  const files = new Map<string, string[]>();
  for (const [file, owners] of Object.entries(list.files)) {
    const segments = file.split('/');
    if (file.includes('\\') || path.isAbsolute(file) || /^[a-zA-Z]:/.test(file) || segments.some(s => s === '' || s === '.' || s === '..') || file === GITOPS_FILE_LIST) {
      throw wrong(`lists ${quote(file)}, which is not a relative path inside the directory (forward slashes, no "." or ".."); the library never deletes outside its directory`);
    }
    if (!Array.isArray(owners) || owners.length === 0 || owners.some(owner => typeof owner !== 'string' || owner === '')) {
      throw wrong(`gives ${quote(owners)} as the stacks of ${quote(file)}, not a list of construct paths`);
    }
    files.set(file, owners);
  }
  return files;
}
