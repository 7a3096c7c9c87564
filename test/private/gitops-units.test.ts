// The pieces of GitOps delivery, one by one: the file list and what writing a directory keeps, writes and deletes
// (gitops-file-list.ts), writing and deleting only inside the directory (gitops-write.ts), the files of a folder
// (gitops-files.ts), the grouping of folders (gitops-folders.ts) and the tokens found in a chart (gitops-tokens.ts).
import fs from 'fs';
import * as path from 'path';
import { App, Aws, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GITOPS_FILE_LIST, writeDirectory } from '../../lib/private/gitops-file-list';
import { GENERATED_HEADER, RenderedFile, compare, filesOf, kustomizationOf } from '../../lib/private/gitops-files';
import { FolderEntry, GitOpsFolder, GitOpsState, GitOpsTarget, folderConflicts, groupedFolders } from '../../lib/private/gitops-folders';
import { tokensIn } from '../../lib/private/gitops-tokens';
import { deleteListed, isFileInside, writeInside } from '../../lib/private/gitops-write';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
import { filesUnder, tempDir } from '../helpers/temp-dir';

/** Writes `content` at `file` (forward slashes) under `directory`, creating its folders. */
function put(directory: string, file: string, content = 'kept\n'): void {
  const full = path.join(directory, ...file.split('/'));
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

/** Writes the directory's file list, as an earlier synth would have. */
function putList(directory: string, files: { [file: string]: unknown }): void {
  put(directory, GITOPS_FILE_LIST, JSON.stringify({ about: 'x', files }));
}

/** The files of the directory's file list with their owner stacks. */
function listOf(directory: string): { [file: string]: string[] } {
  return JSON.parse(fs.readFileSync(path.join(directory, GITOPS_FILE_LIST), 'utf8')).files;
}

/** Files to write, each `[content, owners]`. */
function rendered(files: { [file: string]: [string, string[]] }): Map<string, RenderedFile> {
  return new Map(Object.entries(files).map(([file, [content, owners]]) => [file, { content, owners: new Set(owners) }]));
}

function read(directory: string, file: string): string {
  return fs.readFileSync(path.join(directory, ...file.split('/')), 'utf8');
}

/** The message of what `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('writeDirectory', () => {
  test('the files written come back in code-point order; written again, they are unchanged', () => {
    const directory = tempDir();
    const files = rendered({ 'c/ns/b.workload.yaml': ['b\n', ['Shop']], 'c/ns/a.workload.yaml': ['a\n', ['Shop']] });
    expect(writeDirectory(directory, files, new Set(['Shop']))).toEqual({
      written: ['c/ns/a.workload.yaml', 'c/ns/b.workload.yaml', 'c/ns/kustomization.yaml'], unchanged: [], removed: [],
    });
    expect(writeDirectory(directory, files, new Set(['Shop']))).toEqual({
      written: [], unchanged: ['c/ns/a.workload.yaml', 'c/ns/b.workload.yaml', 'c/ns/kustomization.yaml'], removed: [],
    });
  });

  test('a listed file of a synthesized stack is deleted when it is not written, even if a left-out stack shares it', () => {
    const directory = tempDir();
    put(directory, 'c/ns/old.workload.yaml');
    putList(directory, { 'c/ns/old.workload.yaml': ['Other', 'Shop'] });
    const changes = writeDirectory(directory, rendered({ 'c/ns/a.workload.yaml': ['a\n', ['Shop']] }), new Set(['Shop']));
    expect(changes.removed).toEqual(['c/ns/old.workload.yaml']);
    expect(filesUnder(directory)).toEqual([GITOPS_FILE_LIST, 'c/ns/a.workload.yaml', 'c/ns/kustomization.yaml']);
    expect(listOf(directory)).toEqual({ 'c/ns/a.workload.yaml': ['Shop'], 'c/ns/kustomization.yaml': ['Shop'] });
  });

  test('a left-out stack keeps its files still in place; its kustomization is written anew, listing only them', () => {
    const directory = tempDir();
    put(directory, 'c/other/x.workload.yaml');
    put(directory, 'c/other/kustomization.yaml', 'old kustomization\n');
    fs.mkdirSync(path.join(directory, 'c', 'other', 'dir.workload.yaml')); // a folder now, not the file the library wrote
    putList(directory, {
      'c/ns/a.workload.yaml': ['Other'], // written now by Shop
      'c/other/x.workload.yaml': ['Other'],
      'c/other/kustomization.yaml': ['Other'],
      'c/other/gone.workload.yaml': ['Other'], // deleted by hand
      'c/other/dir.workload.yaml': ['Other'],
    });
    const changes = writeDirectory(directory, rendered({ 'c/ns/a.workload.yaml': ['a\n', ['Shop']] }), new Set(['Shop']));
    expect(changes).toEqual({ written: ['c/ns/a.workload.yaml', 'c/ns/kustomization.yaml', 'c/other/kustomization.yaml'], unchanged: [], removed: [] });
    expect(read(directory, 'c/other/kustomization.yaml')).toBe(kustomizationOf(['x.workload.yaml']));
    expect(read(directory, 'c/ns/kustomization.yaml')).toBe(kustomizationOf(['a.workload.yaml']));
    expect(read(directory, 'c/other/x.workload.yaml')).toBe('kept\n');
    expect(listOf(directory)).toEqual({
      'c/ns/a.workload.yaml': ['Shop'],
      'c/ns/kustomization.yaml': ['Shop'],
      'c/other/kustomization.yaml': ['Other'],
      'c/other/x.workload.yaml': ['Other'],
    });
  });

  test('the kustomization.yaml of a left-out stack is kept even when none of its files are left', () => {
    const directory = tempDir();
    put(directory, 'c/other/kustomization.yaml', 'their kustomization\n');
    putList(directory, { 'c/other/kustomization.yaml': ['Other'] });
    const changes = writeDirectory(directory, rendered({ 'c/ns/a.workload.yaml': ['a\n', ['Shop']] }), new Set(['Shop']));
    expect(changes.removed).toEqual([]);
    expect(read(directory, 'c/other/kustomization.yaml')).toBe('their kustomization\n');
    expect(listOf(directory)).toEqual({
      'c/ns/a.workload.yaml': ['Shop'],
      'c/ns/kustomization.yaml': ['Shop'],
      'c/other/kustomization.yaml': ['Other'],
    });
  });

  test('a stale file it cannot delete: InvalidGitOpsDirectory, the list still holding it and every file written', () => {
    const directory = tempDir();
    put(directory, 'c/ns/old.workload.yaml');
    putList(directory, { 'c/ns/old.workload.yaml': ['Shop'] });
    const unlink = jest.spyOn(fs, 'unlinkSync').mockImplementation(() => {
      throw new Error('EACCES: permission denied');
    });
    try {
      expect(errorOf(() => writeDirectory(directory, rendered({ 'c/ns/a.workload.yaml': ['a\n', ['Shop']] }), new Set(['Shop'])))).toBe(
        `[cdk-eks-pod-identity:InvalidGitOpsDirectory] GitOps delivery cannot delete "c/ns/old.workload.yaml", which it wrote before and no longer writes, in directory ${JSON.stringify(directory)}: EACCES: permission denied. `
        + 'Fix: make the directory writable (or delete the file yourself and remove it from the file list)');
    } finally {
      unlink.mockRestore();
    }
    expect(read(directory, 'c/ns/old.workload.yaml')).toBe('kept\n');
    expect(listOf(directory)).toEqual({
      'c/ns/a.workload.yaml': ['Shop'],
      'c/ns/kustomization.yaml': ['Shop'],
      'c/ns/old.workload.yaml': ['Shop'],
    });
  });

  describe('a file list it cannot trust: InvalidGitOpsFileList, nothing written', () => {
    const cases: Array<[string, unknown, string]> = [
      ['files is not an object', { files: 5 }, 'is not an object with a "files" object'],
      ['a drive-relative Windows path', { files: { 'C:evil.yaml': ['Shop'] } }, 'lists "C:evil.yaml", which is not a relative path inside the directory'],
      ['an empty stack path among others', { files: { 'c/ns/a.yaml': ['Shop', ''] } }, 'gives ["Shop",""] as the stacks of "c/ns/a.yaml", not a list of construct paths'],
      ['a stack path that is not a string', { files: { 'c/ns/a.yaml': ['Shop', 5] } }, 'gives ["Shop",5] as the stacks of "c/ns/a.yaml", not a list of construct paths'],
    ];
    test.each(cases)('%s', (_name, list, what) => {
      const directory = tempDir();
      put(directory, GITOPS_FILE_LIST, JSON.stringify(list));
      expect(errorOf(() => writeDirectory(directory, rendered({ 'c/ns/b.workload.yaml': ['b\n', ['Shop']] }), new Set(['Shop'])))).toContain(
        `[cdk-eks-pod-identity:InvalidGitOpsFileList] the file list ${JSON.stringify(path.join(directory, GITOPS_FILE_LIST))} (what GitOps delivery wrote, and so may delete) ${what}`);
      expect(filesUnder(directory)).toEqual([GITOPS_FILE_LIST]);
    });
  });
});

describe('writeInside', () => {
  const fix = 'Fix: replace the link with a real folder or file inside the directory (or delete it): the library writes only inside its directory, never through links';

  test('a folder that is a symbolic link to nothing: refused, nothing created', () => {
    const directory = tempDir();
    fs.symlinkSync(path.join(directory, 'missing'), path.join(directory, 'c'));
    expect(errorOf(() => writeInside(directory, 'c/ns/a.yaml', 'a\n'))).toBe(
      `[cdk-eks-pod-identity:InvalidGitOpsDirectory] GitOps delivery does not write "c/ns/a.yaml" in directory ${JSON.stringify(directory)}: `
      + `${JSON.stringify(path.join(directory, 'c'))} is a symbolic link to nothing, and writing through it would change a file the library does not own. ${fix}`);
    expect(fs.existsSync(path.join(directory, 'missing'))).toBe(false);
  });

  test('a folder that is a symbolic link out of the directory: refused, nothing written behind it', () => {
    const directory = tempDir();
    const outside = tempDir();
    fs.symlinkSync(outside, path.join(directory, 'c'));
    expect(errorOf(() => writeInside(directory, 'c/ns/a.yaml', 'a\n'))).toBe(
      `[cdk-eks-pod-identity:InvalidGitOpsDirectory] GitOps delivery does not write "c/ns/a.yaml" in directory ${JSON.stringify(directory)}: `
      + `${JSON.stringify(path.join(directory, 'c'))} is a symbolic link to ${JSON.stringify(fs.realpathSync(outside))}, outside the directory, `
      + `and writing through it would change a file the library does not own. ${fix}`);
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

describe('deleteListed and isFileInside', () => {
  test('a file at the top of the directory is inside it, and is deleted (the directory stays)', () => {
    const directory = tempDir();
    put(directory, 'top.yaml');
    expect(isFileInside(directory, 'top.yaml')).toBe(true);
    expect(deleteListed(directory, 'top.yaml')).toBe(true);
    expect(fs.readdirSync(directory)).toEqual([]);
  });

  test('a nested file is deleted with the folders it leaves empty, not the ones still holding files', () => {
    const directory = tempDir();
    put(directory, 'c/ns/a.yaml');
    put(directory, 'c/other/b.yaml');
    expect(isFileInside(directory, 'c/ns/a.yaml')).toBe(true);
    expect(deleteListed(directory, 'c/ns/a.yaml')).toBe(true);
    expect(filesUnder(directory)).toEqual(['c/other/b.yaml']);
    expect(fs.readdirSync(path.join(directory, 'c'))).toEqual(['other']);
  });

  test('a file that is gone, or a folder in its place: not a file inside, nothing deleted', () => {
    const directory = tempDir();
    fs.mkdirSync(path.join(directory, 'c', 'ns', 'dir.yaml'), { recursive: true });
    expect(isFileInside(directory, 'c/ns/gone.yaml')).toBe(false);
    expect(isFileInside(directory, 'c/gone/gone.yaml')).toBe(false);
    expect(isFileInside(directory, 'c/ns/dir.yaml')).toBe(false);
    expect(deleteListed(directory, 'c/ns/gone.yaml')).toBe(false);
    expect(deleteListed(directory, 'c/gone/gone.yaml')).toBe(false);
    expect(deleteListed(directory, 'c/ns/dir.yaml')).toBe(false);
    expect(fs.statSync(path.join(directory, 'c', 'ns', 'dir.yaml')).isDirectory()).toBe(true);
  });

  test('a file reached through a folder linked out of the directory: not inside, not deleted', () => {
    const directory = tempDir();
    const outside = tempDir();
    put(outside, 'a.yaml', 'theirs\n');
    fs.symlinkSync(outside, path.join(directory, 'c'));
    expect(isFileInside(directory, 'c/a.yaml')).toBe(false);
    expect(deleteListed(directory, 'c/a.yaml')).toBe(false);
    expect(fs.readFileSync(path.join(outside, 'a.yaml'), 'utf8')).toBe('theirs\n');
  });
});

/** A workload's writer (`<stack>/<id>/GitOps`) with a target rendering `objects`. */
function entryOf(stack: Stack, id: string, objects: Array<Record<string, any>>,
  options: { namespaceName?: string; directory?: string; subfolder?: string } = {}): FolderEntry {
  const writer = new Construct(new Construct(stack, id), 'GitOps');
  const target: GitOpsTarget = {
    cluster: importedEksV2Cluster(stack, `${id}Cluster`),
    namespace: 'shop',
    deploymentName: id.toLowerCase(),
    render: () => objects,
    releaseRendering: () => {},
    namespaceName: options.namespaceName,
    directory: options.directory ?? '/gitops',
  };
  return { writer, target, fileName: `${id.toLowerCase()}.workload.yaml`, subfolder: options.subfolder ?? 'prod/shop', stackPath: stack.node.path };
}

function folderOf(entries: FolderEntry[]): GitOpsFolder {
  const folder = new GitOpsFolder('/gitops', 'prod/shop', '/gitops/prod/shop');
  folder.entries.push(...entries);
  return folder;
}

describe('filesOf', () => {
  const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  test('the workload\'s own Namespace in namespace.yaml; another Namespace of its chart stays in its file, null values kept', () => {
    const stack = new Stack(new App(), 'Shop', { env: ENV });
    const account = { kind: 'ServiceAccount', apiVersion: 'v1', metadata: { name: 'cart', annotations: null } };
    const files = filesOf(folderOf([entryOf(stack, 'Cart', [namespace('shop'), namespace('other'), account], { namespaceName: 'shop' })]));
    expect([...files.keys()]).toEqual(['namespace.yaml', 'cart.workload.yaml']);
    expect(files.get('namespace.yaml')!.content).toBe(`${GENERATED_HEADER}\n# Source: Shop/Cart\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n`);
    expect(files.get('cart.workload.yaml')!.content).toBe(`${GENERATED_HEADER}\n# Source: Shop/Cart\n`
      + 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations: null\n  name: cart\n');
  });

  test('two workloads creating the folder\'s Namespace: one namespace.yaml, owned by both stacks, written from the first', () => {
    const app = new App();
    const shop = new Stack(app, 'Shop', { env: ENV });
    const pay = new Stack(app, 'Pay', { env: ENV });
    const files = filesOf(folderOf([
      entryOf(shop, 'Cart', [namespace('shop')], { namespaceName: 'shop' }),
      entryOf(pay, 'Checkout', [namespace('shop')], { namespaceName: 'shop' }),
    ]));
    expect(files.get('namespace.yaml')).toEqual({
      content: `${GENERATED_HEADER}\n# Source: Shop/Cart\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n`,
      owners: new Set(['Shop', 'Pay']),
    });
  });

  test('compare: plain code-point order', () => {
    expect(compare('b', 'a')).toBe(1);
    expect(compare('a', 'b')).toBe(-1);
    expect(compare('Z', 'a')).toBe(-1);
  });
});

describe('groupedFolders and folderConflicts', () => {
  test('grouped once per working directory and number of entries', () => {
    const stack = new Stack(new App(), 'Shop', { env: ENV });
    const state: GitOpsState = { entries: [entryOf(stack, 'Cart', [])] };
    const first = groupedFolders(state);
    expect(groupedFolders(state)).toBe(first);
    state.entries.push(entryOf(stack, 'Pay', [], { subfolder: 'prod/pay' }));
    const second = groupedFolders(state);
    expect(second).not.toBe(first);
    expect(second.folders.map(f => f.subfolder)).toEqual(['prod/shop', 'prod/pay']);
  });

  test('the subfolder is written with forward slashes, without empty or "." segments', () => {
    const stack = new Stack(new App(), 'Shop', { env: ENV });
    const { folders } = groupedFolders({ entries: [entryOf(stack, 'Cart', [], { subfolder: './prod//shop' })] });
    expect(folders.map(f => [f.directory, f.subfolder, f.absolutePath])).toEqual([[path.resolve('/gitops'), 'prod/shop', path.resolve('/gitops/prod/shop')]]);
  });

  test('one folder reached under two directories: GitOpsFileConflict naming both', () => {
    const stack = new Stack(new App(), 'Shop', { env: ENV });
    const { folders } = groupedFolders({
      entries: [
        entryOf(stack, 'Cart', [], { directory: '/gitops', subfolder: 'prod/shop' }),
        entryOf(stack, 'Pay', [], { directory: '/gitops/prod', subfolder: 'shop' }),
      ],
    });
    expect(folders.map(f => folderConflicts(f))).toEqual([[
      `[cdk-eks-pod-identity:GitOpsFileConflict] folder ${JSON.stringify(path.resolve('/gitops/prod/shop'))} is written by Shop/Cart under directory ${JSON.stringify(path.resolve('/gitops'))} `
      + `and by Shop/Pay under directory ${JSON.stringify(path.resolve('/gitops/prod'))}: each directory's file list would claim the other's files. `
      + 'Fix: use one directory for both workloads (a directory inside another one is not supported)',
    ]]);
  });
});

describe('tokensIn', () => {
  /** Each error as `<object> <field path>: <kind>` (the kind by its fix). */
  function tokensOf(stack: Stack, objects: Array<Record<string, any>>): string[] {
    const entry = entryOf(stack, 'Cart', objects);
    return tokensIn(entry.writer, entry.target).map(error => {
      const [, object, field] = /^\[cdk-eks-pod-identity:TokenInGitOpsManifest\] (.*) field (\S+) is a CloudFormation token/.exec(error)!;
      const kind = error.includes('Fix: give the workload a role') ? 'roleArn' : error.includes('Fix: give the resource a literal physical name and pass the ARN') ? 'arn' : 'name';
      return `${object} ${field}: ${kind}`;
    });
  }

  test('the kind of a token by its CloudFormation form', () => {
    const stack = new Stack(new App(), 'Shop', { env: ENV });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const queue = new sqs.Queue(stack, 'Queue');
    const data = {
      role: role.roleArn,
      queue: queue.queueArn,
      unknown: Lazy.string({ produce: () => undefined }),
      elsewhere: Fn.getAtt('NotInThisStack', 'Arn').toString(),
      partition: Fn.join('', [Aws.PARTITION, ':x']),
      literalArn: `arn:aws:sqs:us-east-1:${Aws.ACCOUNT_ID}:orders`,
      prefixed: `prefix-${Aws.ACCOUNT_ID}`,
    };
    expect(tokensOf(stack, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data }])).toEqual([
      'ConfigMap shop/c data.role: roleArn',
      'ConfigMap shop/c data.queue: arn',
      'ConfigMap shop/c data.unknown: name',
      'ConfigMap shop/c data.elsewhere: arn',
      'ConfigMap shop/c data.partition: name',
      'ConfigMap shop/c data.literalArn: arn',
      'ConfigMap shop/c data.prefixed: name',
    ]);
  });

  test('the path of every token: list items by name or index, null and undefined skipped, token keys', () => {
    const stack = new Stack(new App(), 'Shop', { env: ENV });
    const token = Aws.ACCOUNT_ID;
    const key = Token.asString(Aws.REGION);
    expect(tokensOf(stack, [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: token, [key]: 'x' }, annotations: null, finalizers: undefined } },
      {
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'shop' },
        spec: { containers: [{ name: 'main', args: ['a', token], env: [null, { name: token, value: 'v' }] }] },
        [key]: 'y',
      },
    ])).toEqual([
      'Namespace shop metadata.labels.team: name',
      'Namespace shop metadata.labels.<key>: name',
      'Pod shop/p spec.containers[name=main].args[1]: name',
      'Pod shop/p spec.containers[name=main].env[1].name: name',
      'Pod shop/p <key>: name',
    ]);
  });
});
