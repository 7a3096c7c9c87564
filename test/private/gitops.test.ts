// GitOps synthesis says what it did: one line per cluster folder on stderr (files written, unchanged, removed),
// silenced by the context key cdk-eks-pod-identity:quiet (which test/setup-env.ts sets for every other test).
import * as fs from 'fs';
import * as path from 'path';
import { App, Aws, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ManifestDelivery, PodIdentityBoundWorkload } from '../../lib';
import { afterTemplatesWritten } from '../../lib/private/aws-cdk-internals';
import { changeLines } from '../../lib/private/gitops';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
import { filesUnder, tempDir } from '../helpers/temp-dir';

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';

/** Synthesizes an app with GitOps workloads (`cluster folder/id`), capturing what it writes on stderr. */
function synth(directory: string, workloads: string[], quiet = false): string[] {
  // (postCliContext: over the CDK_CONTEXT_JSON of test/setup-env.ts, which makes every other test quiet.)
  const app = new App({ outdir: tempDir(), postCliContext: { 'cdk-eks-pod-identity:quiet': quiet } });
  const stack = new Stack(app, 'Shop', { env: ENV });
  const cluster = importedEksV2Cluster(stack);
  const namespaces = new Set<string>();
  for (const spec of workloads) {
    const [clusterFolder, id] = spec.split('/');
    const namespace = `shop-${clusterFolder}`;
    new PodIdentityBoundWorkload(stack, `${clusterFolder}${id}`, {
      cluster,
      namespace,
      image: IMAGE,
      deploymentName: id.toLowerCase(),
      createNamespace: !namespaces.has(namespace),
      delivery: ManifestDelivery.gitOps({ directory, clusterFolder }),
    });
    namespaces.add(namespace);
  }
  const lines: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((text: any) => {
    lines.push(String(text));
    return true;
  });
  try {
    app.synth();
  } finally {
    write.mockRestore();
  }
  return lines;
}

describe('GitOps synthesis prints what it did', () => {
  test('one line per cluster folder: written, then unchanged, then removed', () => {
    const directory = tempDir();
    const first = synth(directory, ['prod/Cart', 'prod/Orders', 'dev/Cart']);
    // prod/shop-prod: 2 workload files, the namespace file and kustomization.yaml; dev/shop-dev: 1 workload file, namespace, kustomization.
    const prodFiles = fs.readdirSync(path.join(directory, 'prod', 'shop-prod')).length;
    const devFiles = fs.readdirSync(path.join(directory, 'dev', 'shop-dev')).length;
    expect(first).toEqual([
      `cdk-eks-pod-identity: ${path.join(directory, 'dev')}${path.sep}: ${devFiles} written, 0 unchanged, 0 removed\n`,
      `cdk-eks-pod-identity: ${path.join(directory, 'prod')}${path.sep}: ${prodFiles} written, 0 unchanged, 0 removed\n`,
    ]);

    const again = synth(directory, ['prod/Cart', 'prod/Orders', 'dev/Cart']);
    expect(again).toEqual([
      `cdk-eks-pod-identity: ${path.join(directory, 'dev')}${path.sep}: 0 written, ${devFiles} unchanged, 0 removed\n`,
      `cdk-eks-pod-identity: ${path.join(directory, 'prod')}${path.sep}: 0 written, ${prodFiles} unchanged, 0 removed\n`,
    ]);

    // Orders goes: its file is removed and prod's kustomization rewritten; dev goes entirely.
    const removed = synth(directory, ['prod/Cart']);
    expect(removed).toEqual([
      `cdk-eks-pod-identity: ${path.join(directory, 'dev')}${path.sep}: 0 written, 0 unchanged, ${devFiles} removed\n`,
      `cdk-eks-pod-identity: ${path.join(directory, 'prod')}${path.sep}: 1 written, ${prodFiles - 2} unchanged, 1 removed\n`,
    ]);
    expect(fs.existsSync(path.join(directory, 'dev'))).toBe(false);
  });

  test('a directory under the working directory is shown relative to it', () => {
    const cwd = process.cwd();
    const parent = tempDir();
    process.chdir(parent);
    try {
      expect(synth('gitops', ['prod/Cart'])).toEqual([expect.stringMatching(new RegExp(`^cdk-eks-pod-identity: gitops${path.sep === '/' ? '/' : '\\\\'}prod${path.sep === '/' ? '/' : '\\\\'}: 3 written, 0 unchanged, 0 removed\n$`))]);
    } finally {
      process.chdir(cwd);
    }
    expect(fs.existsSync(path.join(parent, 'gitops', 'prod', 'shop-prod', 'kustomization.yaml'))).toBe(true);
  });

  test('quiet with the context key cdk-eks-pod-identity:quiet, still writing the files', () => {
    const directory = tempDir();
    expect(synth(directory, ['prod/Cart'], true)).toEqual([]);
    expect(fs.readdirSync(path.join(directory, 'prod', 'shop-prod')).sort()).toEqual(['cart.workload.yaml', 'kustomization.yaml', 'namespace.yaml'].sort());
  });

  test('changeLines: the cluster folder is the part before <namespace>/<file>; "." for files at the top', () => {
    expect(changeLines(path.resolve('/abs/gitops'), { written: ['a/b/ns/x.yaml', 'ns/y.yaml'], unchanged: [], removed: ['a/b/ns/z.yaml'] })).toEqual([
      `cdk-eks-pod-identity: ${path.resolve('/abs/gitops')}${path.sep}: 1 written, 0 unchanged, 0 removed`,
      `cdk-eks-pod-identity: ${path.join(path.resolve('/abs/gitops'), 'a', 'b')}${path.sep}: 1 written, 0 unchanged, 1 removed`,
    ]);
    // The working directory itself: "." for its top, the cluster folder alone for the others.
    expect(changeLines(process.cwd(), { written: ['prod/ns/x.yaml'], unchanged: ['ns/y.yaml'], removed: [] })).toEqual([
      `cdk-eks-pod-identity: .${path.sep}: 0 written, 1 unchanged, 0 removed`,
      `cdk-eks-pod-identity: prod${path.sep}: 1 written, 0 unchanged, 0 removed`,
    ]);
  });
});

/** A GitOps workload `id` in `scope`, writing into `directory`. */
interface WorkloadOptions {
  readonly namespace?: string;
  readonly env?: { [name: string]: string };
  readonly clusterName?: string;
  readonly createNamespace?: boolean;
}

function workload(scope: Construct, id: string, directory: string, props: WorkloadOptions = {}): void {
  new PodIdentityBoundWorkload(scope, id, {
    cluster: importedEksV2Cluster(scope, `${id}Cluster`, props.clusterName),
    namespace: props.namespace ?? 'shop',
    image: IMAGE,
    deploymentName: id.toLowerCase(),
    createNamespace: props.createNamespace,
    env: props.env,
    delivery: ManifestDelivery.gitOps({ directory, clusterFolder: 'prod' }),
  });
}

describe('GitOps synthesis writes every directory once the app is checked', () => {
  test('a folder used for two clusters: the conflict is reported once per other workload, by the folder\'s first workload', () => {
    const directory = tempDir();
    const app = new App({ outdir: tempDir() });
    const stack = new Stack(app, 'Shop', { env: ENV });
    workload(stack, 'Cart', directory, { clusterName: 'blue' });
    workload(stack, 'Orders', directory, { clusterName: 'green', createNamespace: false });
    workload(stack, 'Pay', directory, { clusterName: 'green', createNamespace: false });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    const folder = JSON.stringify(path.join(directory, 'prod', 'shop'));
    expect(message.split('\n').filter(line => line.includes('GitOpsFileConflict')).map(line => line.trim().replace(/\. Fix: .*/, ''))).toEqual([
      `[Shop/Cart/Manifest] [cdk-eks-pod-identity:GitOpsFileConflict] folder ${folder} is used for cluster "blue" by Shop/Cart and for cluster "green" by Shop/Orders`,
      `[Shop/Cart/Manifest] [cdk-eks-pod-identity:GitOpsFileConflict] folder ${folder} is used for cluster "blue" by Shop/Cart and for cluster "green" by Shop/Pay`,
    ]);
    expect(fs.readdirSync(directory)).toEqual([]);
  });

  test('synthesized without validation, a folder conflict in any folder: nothing written', () => {
    const directory = tempDir();
    const app = new App({ outdir: tempDir() });
    const stack = new Stack(app, 'Shop', { env: ENV });
    workload(stack, 'Cart', directory, { clusterName: 'blue' });
    workload(stack, 'Orders', directory, { clusterName: 'green', createNamespace: false });
    workload(stack, 'Pay', directory, { namespace: 'pay' });
    app.synth({ skipValidation: true });
    expect(fs.readdirSync(directory)).toEqual([]);
  });

  test('synthesized without validation, a token in one workload of one folder: nothing written', () => {
    const directory = tempDir();
    const app = new App({ outdir: tempDir() });
    const stack = new Stack(app, 'Shop', { env: ENV });
    workload(stack, 'Cart', directory, { env: { ACCOUNT: Aws.ACCOUNT_ID } });
    workload(stack, 'Orders', directory, { createNamespace: false });
    workload(stack, 'Pay', directory, { namespace: 'pay' });
    app.synth({ skipValidation: true });
    expect(fs.readdirSync(directory)).toEqual([]);
  });

  test('a listed file owned by a construct path that is not a stack now: that stack is left out, its file kept', () => {
    const directory = tempDir();
    const app = new App({ outdir: tempDir() });
    const stack = new Stack(app, 'Shop', { env: ENV });
    workload(stack, 'Cart', directory);
    // Shop/Cart was a stack's path once (the file list records stack paths); now it is a workload.
    fs.mkdirSync(path.join(directory, 'prod', 'old'), { recursive: true });
    fs.writeFileSync(path.join(directory, 'prod', 'old', 'old.workload.yaml'), 'old\n');
    fs.writeFileSync(path.join(directory, '.cdk-eks-pod-identity-files'), JSON.stringify({ files: { 'prod/old/old.workload.yaml': ['Shop/Cart'] } }));
    app.synth();
    expect(filesUnder(directory)).toEqual(['.cdk-eks-pod-identity-files', 'prod/old/kustomization.yaml', 'prod/old/old.workload.yaml',
      'prod/shop/cart.workload.yaml', 'prod/shop/kustomization.yaml', 'prod/shop/namespace.yaml']);
  });

  test('directories are written in code-point order, whatever the order of their workloads', () => {
    const parent = tempDir();
    const app = new App({ outdir: tempDir(), postCliContext: { 'cdk-eks-pod-identity:quiet': false } });
    const stack = new Stack(app, 'Shop', { env: ENV });
    workload(stack, 'Cart', path.join(parent, 'b'));
    workload(stack, 'Pay', path.join(parent, 'a'), { namespace: 'pay' });
    const lines: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((text: any) => {
      lines.push(String(text));
      return true;
    });
    try {
      app.synth();
    } finally {
      write.mockRestore();
    }
    expect(lines).toEqual([
      `cdk-eks-pod-identity: ${path.join(parent, 'a', 'prod')}${path.sep}: 3 written, 0 unchanged, 0 removed\n`,
      `cdk-eks-pod-identity: ${path.join(parent, 'b', 'prod')}${path.sep}: 3 written, 0 unchanged, 0 removed\n`,
    ]);
  });

  test('an app with a synthesis hook of its own already: both hooks run, the files are written', () => {
    const directory = tempDir();
    const app = new App({ outdir: tempDir() });
    const seen: string[] = [];
    afterTemplatesWritten(app, outdir => seen.push(outdir));
    const stack = new Stack(app, 'Shop', { env: ENV });
    workload(stack, 'Cart', directory);
    const assembly = app.synth();
    expect(seen).toEqual([assembly.directory]);
    expect(filesUnder(directory)).toEqual(['.cdk-eks-pod-identity-files', 'prod/shop/cart.workload.yaml', 'prod/shop/kustomization.yaml', 'prod/shop/namespace.yaml']);
  });
});
