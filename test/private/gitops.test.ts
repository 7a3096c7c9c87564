// GitOps synthesis says what it did: one line per cluster folder on stderr (files written, unchanged, removed),
// silenced by the context key cdk-eks-pod-identity:quiet (which test/setup-env.ts sets for every other test).
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ManifestDelivery, PodIdentityBoundWorkload } from '../../lib';
import { changeLines } from '../../lib/private/gitops';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
import { tempDir } from '../helpers/temp-dir';

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
  });
});
