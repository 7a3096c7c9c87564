// GitOps delivery, attacked: the directory must hold exactly what the app renders (stale files of moved or removed
// workloads deleted, nothing the library did not write touched, never anything outside the directory), and every
// value unknown until deploy must be rejected with a fix that fits it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, Stack, Stage } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { adversarialTable } from './harness';
import { ManifestDelivery, PodIdentityBoundWorkload, PodIdentityBoundWorkloadProps, PodIdentityRole } from '../../lib';
import { ENV, IMPORTED_V2_CLUSTER_NAME, importedEksV2Cluster, importedEksV2ClusterWithOidc, makeCluster } from '../helpers/clusters';
import { filesUnder, tempDir } from '../helpers/temp-dir';

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';
const FILE_LIST = '.cdk-eks-pod-identity-files';


type WorkloadSpec = Partial<PodIdentityBoundWorkloadProps> & { id: string };

/** An app (own outdir) with one stack, an imported cluster and GitOps workloads writing into `directory`. */
function gitOpsApp(directory: string, workloads: WorkloadSpec[], extra?: (stack: Stack) => void): App {
  const app = new App({ outdir: tempDir() });
  const stack = new Stack(app, 'Shop', { env: ENV });
  const cluster = importedEksV2Cluster(stack);
  const delivery = ManifestDelivery.gitOps({ directory });
  for (const { id, ...props } of workloads) {
    new PodIdentityBoundWorkload(stack, id, { cluster, namespace: 'shop', image: IMAGE, delivery, ...props });
  }
  extra?.(stack);
  return app;
}

/**
 * Synthesizes `app` now: a library error that CDK's validation reports (thrown as "Validation failed with the
 * following errors" with the construct path first) is thrown again as the library message itself, which is what
 * the harness reads. A synthesized app is returned as is: the harness's own synth returns the same assembly.
 */
function synthesized(app: App): App {
  try {
    app.synth();
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const library = /\[cdk-eks-pod-identity:\w+\][^\n]*/.exec(text);
    if (library && text.startsWith('Validation failed')) throw new Error(library[0]);
    throw error;
  }
  return app;
}

const shop = `${IMPORTED_V2_CLUSTER_NAME}/shop`;
const carts = `${IMPORTED_V2_CLUSTER_NAME}/carts`;

/** A directory written once by an app with Cart in namespace shop (the state before the row's synth). */
function writtenOnce(workloads: WorkloadSpec[] = [{ id: 'Cart' }]): string {
  const directory = tempDir();
  gitOpsApp(directory, workloads).synth();
  return directory;
}

/** An app with one stack per `stacks` key (each with its imported cluster), its GitOps workloads writing into `directory`. */
function stacksApp(directory: string, stacks: { [stack: string]: WorkloadSpec[] }, extra?: (app: App) => void): App {
  const app = new App({ outdir: tempDir() });
  for (const [name, workloads] of Object.entries(stacks)) {
    const stack = new Stack(app, name, { env: ENV });
    const cluster = importedEksV2Cluster(stack);
    for (const { id, ...props } of workloads) {
      new PodIdentityBoundWorkload(stack, id, { cluster, namespace: 'shop', image: IMAGE, delivery: ManifestDelivery.gitOps({ directory }), ...props });
    }
  }
  extra?.(app);
  return app;
}

/** The resources a folder's kustomization.yaml lists. */
function kustomizationResources(folder: string): string[] {
  return /resources:\n((?:  - .*\n)*)/.exec(fs.readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8'))![1].trim().split('\n').map(l => l.replace(/^\s*- /, ''));
}

/** The owner stacks of each file in the directory's file list. */
function ownersOf(directory: string): { [file: string]: string[] } {
  return JSON.parse(fs.readFileSync(path.join(directory, FILE_LIST), 'utf8')).files;
}

/** Synthesizes `app` (see `synthesized`); when that throws, first checks that `file` still holds `content`. */
function synthesizedKeeping(app: App, file: string, content: string): App {
  try {
    return synthesized(app);
  } finally {
    expect(fs.readFileSync(file, 'utf8')).toBe(content);
  }
}

/** Appends `entry` to the directory's file list, as a hand edit or a bad merge would. */
function addToFileList(directory: string, entry: unknown): void {
  const list = JSON.parse(fs.readFileSync(path.join(directory, FILE_LIST), 'utf8'));
  fs.writeFileSync(path.join(directory, FILE_LIST), JSON.stringify({ ...list, files: { ...list.files, [String(entry)]: ['Shop'] } }));
}

let directoryOf: { [row: string]: string } = {};

adversarialTable([
  // Stale files (the defect): each of these left the old folder's files for Argo CD / Flux to keep applying.
  {
    name: 'a workload moved to another namespace: its old folder is deleted, the new one written',
    build: () => {
      directoryOf.moved = writtenOnce();
      return gitOpsApp(directoryOf.moved, [{ id: 'Cart', namespace: 'carts' }]);
    },
    expect: {
      correct: () => expect(filesUnder(directoryOf.moved)).toEqual([FILE_LIST,
        `${carts}/cart.workload.yaml`, `${carts}/kustomization.yaml`, `${carts}/namespace.yaml`]),
    },
  },
  {
    name: 'the last workload of a namespace removed: that namespace\'s folder goes, the other stays',
    build: () => {
      directoryOf.lastOfNamespace = writtenOnce([{ id: 'Cart' }, { id: 'Pay', namespace: 'payments' }]);
      return gitOpsApp(directoryOf.lastOfNamespace, [{ id: 'Cart' }]);
    },
    expect: {
      correct: () => expect(filesUnder(directoryOf.lastOfNamespace)).toEqual([FILE_LIST,
        `${shop}/cart.workload.yaml`, `${shop}/kustomization.yaml`, `${shop}/namespace.yaml`]),
    },
  },
  {
    name: 'the last workload of a cluster folder removed: the cluster folder goes',
    build: () => {
      const directory = directoryOf.lastOfCluster = tempDir();
      const first = gitOpsApp(directory, [{ id: 'Cart' }], stack => {
        new PodIdentityBoundWorkload(stack, 'Other', {
          cluster: makeCluster('imported-eks-v2', stack, 'Blue'), namespace: 'shop', image: IMAGE, delivery: ManifestDelivery.gitOps({ directory }),
        });
      });
      first.synth();
      expect(fs.readdirSync(directory).sort()).toEqual([FILE_LIST, IMPORTED_V2_CLUSTER_NAME, `${IMPORTED_V2_CLUSTER_NAME}-blue`]);
      return gitOpsApp(directory, [{ id: 'Cart' }]);
    },
    expect: { correct: () => expect(fs.readdirSync(directoryOf.lastOfCluster).sort()).toEqual([FILE_LIST, IMPORTED_V2_CLUSTER_NAME]) },
  },
  // Near misses that must stay untouched.
  {
    name: 'a copy of a generated file (with the header) and a README the user added are kept: the file list decides',
    build: () => {
      const directory = directoryOf.userFiles = writtenOnce([{ id: 'Cart' }, { id: 'Orders', createNamespace: false }]);
      fs.copyFileSync(path.join(directory, shop, 'orders.workload.yaml'), path.join(directory, shop, 'orders-copy.yaml'));
      fs.writeFileSync(path.join(directory, 'README.md'), '# platform\n');
      return gitOpsApp(directory, [{ id: 'Cart', namespace: 'carts' }]);
    },
    expect: {
      correct: () => expect(filesUnder(directoryOf.userFiles)).toEqual([FILE_LIST, 'README.md',
        `${carts}/cart.workload.yaml`, `${carts}/kustomization.yaml`, `${carts}/namespace.yaml`, `${shop}/orders-copy.yaml`]),
    },
  },
  {
    name: 'two stages of one app share a directory: a stage left out keeps its files, a stage without its workload loses them',
    build: () => {
      const directory = directoryOf.stages = tempDir();
      const build = (stages: string[], withWorkload: string[] = stages) => {
        const app = new App({ outdir: tempDir() });
        for (const name of stages) {
          const stack = new Stack(new Stage(app, name, { env: ENV }), 'Shop');
          if (!withWorkload.includes(name)) continue;
          new PodIdentityBoundWorkload(stack, 'Cart', {
            cluster: makeCluster('imported-eks-v2', stack, name),
            namespace: 'shop',
            image: IMAGE,
            delivery: ManifestDelivery.gitOps({ directory, clusterFolder: name.toLowerCase() }),
          });
        }
        return app;
      };
      build(['Beta', 'Prod', 'Gamma', 'Dev']).synth();
      build(['Beta', 'Prod', 'Gamma']).synth();
      expect(fs.readdirSync(directory).sort()).toEqual([FILE_LIST, 'beta', 'dev', 'gamma', 'prod']);
      return build(['Beta', 'Prod', 'Gamma'], ['Beta', 'Prod']);
    },
    expect: {
      correct: () => {
        expect(fs.readdirSync(directoryOf.stages).sort()).toEqual([FILE_LIST, 'beta', 'dev', 'prod']);
        expect(ownersOf(directoryOf.stages)).toEqual({
          'beta/shop/cart.workload.yaml': ['Beta/Shop'],
          'beta/shop/kustomization.yaml': ['Beta/Shop'],
          'beta/shop/namespace.yaml': ['Beta/Shop'],
          'dev/shop/cart.workload.yaml': ['Dev/Shop'],
          'dev/shop/kustomization.yaml': ['Dev/Shop'],
          'dev/shop/namespace.yaml': ['Dev/Shop'],
          'prod/shop/cart.workload.yaml': ['Prod/Shop'],
          'prod/shop/kustomization.yaml': ['Prod/Shop'],
          'prod/shop/namespace.yaml': ['Prod/Shop'],
        });
      },
    },
  },
  {
    name: 'a second synth of the same app changes no byte and no timestamp',
    build: () => {
      const directory = directoryOf.unchanged = writtenOnce();
      directoryOf.unchangedBefore = JSON.stringify(filesUnder(directory).map(f => [f, fs.readFileSync(path.join(directory, f), 'utf8'), fs.statSync(path.join(directory, f)).mtimeMs]));
      return gitOpsApp(directory, [{ id: 'Cart' }]);
    },
    expect: {
      correct: () => expect(JSON.stringify(filesUnder(directoryOf.unchanged).map(f => [f, fs.readFileSync(path.join(directoryOf.unchanged, f), 'utf8'),
        fs.statSync(path.join(directoryOf.unchanged, f)).mtimeMs]))).toBe(directoryOf.unchangedBefore),
    },
  },
  {
    name: 'a listed folder replaced by a symbolic link out of the directory: nothing behind the link is deleted',
    build: () => {
      const directory = directoryOf.symlink = writtenOnce();
      const elsewhere = directoryOf.elsewhere = tempDir();
      fs.writeFileSync(path.join(elsewhere, 'cart.workload.yaml'), 'keep\n');
      fs.rmSync(path.join(directory, shop), { recursive: true });
      fs.symlinkSync(elsewhere, path.join(directory, shop));
      return gitOpsApp(directory, [{ id: 'Cart', namespace: 'carts' }]);
    },
    expect: { correct: () => expect(fs.readFileSync(path.join(directoryOf.elsewhere, 'cart.workload.yaml'), 'utf8')).toBe('keep\n') },
  },
  // Part of an app synthesized (`cdk synth -c stage=dev`, a unit test building one stack): only the stacks of this
  // synthesis may lose files; a stack left out keeps its files and its entries in the kustomizations.
  {
    name: 'one stack of two synthesized: the other stack\'s files are kept',
    build: () => {
      const directory = directoryOf.partial = tempDir();
      stacksApp(directory, { Shop: [{ id: 'Cart' }], Pay: [{ id: 'Pay', namespace: 'payments' }] }).synth();
      return stacksApp(directory, { Shop: [{ id: 'Cart' }] });
    },
    expect: {
      correct: () => expect(filesUnder(directoryOf.partial)).toEqual([FILE_LIST,
        `${IMPORTED_V2_CLUSTER_NAME}/payments/kustomization.yaml`, `${IMPORTED_V2_CLUSTER_NAME}/payments/namespace.yaml`, `${IMPORTED_V2_CLUSTER_NAME}/payments/pay.workload.yaml`,
        `${shop}/cart.workload.yaml`, `${shop}/kustomization.yaml`, `${shop}/namespace.yaml`]),
    },
  },
  {
    name: 'a folder shared by a synthesized and a left-out stack: its kustomization keeps the left-out stack\'s workload',
    build: () => {
      const directory = directoryOf.sharedFolder = tempDir();
      stacksApp(directory, { Shop: [{ id: 'Cart' }], Pay: [{ id: 'Pay', createNamespace: false }] }).synth();
      return stacksApp(directory, { Shop: [{ id: 'Cart' }, { id: 'Web', createNamespace: false }] });
    },
    expect: {
      correct: () => {
        expect(kustomizationResources(path.join(directoryOf.sharedFolder, shop)))
          .toEqual(['namespace.yaml', 'cart.workload.yaml', 'pay.workload.yaml', 'web.workload.yaml']);
        expect(ownersOf(directoryOf.sharedFolder)).toEqual({
          [`${shop}/cart.workload.yaml`]: ['Shop'],
          [`${shop}/kustomization.yaml`]: ['Pay', 'Shop'],
          [`${shop}/namespace.yaml`]: ['Shop'],
          [`${shop}/pay.workload.yaml`]: ['Pay'],
          [`${shop}/web.workload.yaml`]: ['Shop'],
        });
      },
    },
  },
  {
    name: 'the namespace created by a left-out stack: namespace.yaml is kept and stays in the kustomization',
    build: () => {
      const directory = directoryOf.namespaceKept = tempDir();
      stacksApp(directory, { Shop: [{ id: 'Cart', createNamespace: false }], Pay: [{ id: 'Pay' }] }).synth();
      return stacksApp(directory, { Shop: [{ id: 'Cart', createNamespace: false }] });
    },
    expect: {
      correct: () => expect(kustomizationResources(path.join(directoryOf.namespaceKept, shop)))
        .toEqual(['namespace.yaml', 'cart.workload.yaml', 'pay.workload.yaml']),
    },
  },
  {
    name: 'a synthesized stack\'s workload moved while another stack is left out: its old files go, the other\'s stay',
    build: () => {
      const directory = directoryOf.movedPartial = tempDir();
      stacksApp(directory, { Shop: [{ id: 'Cart' }], Pay: [{ id: 'Pay', createNamespace: false }] }).synth();
      return stacksApp(directory, { Shop: [{ id: 'Cart', namespace: 'carts' }] });
    },
    expect: {
      correct: () => {
        expect(filesUnder(directoryOf.movedPartial)).toEqual([FILE_LIST,
          `${carts}/cart.workload.yaml`, `${carts}/kustomization.yaml`, `${carts}/namespace.yaml`,
          `${shop}/kustomization.yaml`, `${shop}/pay.workload.yaml`]);
        expect(kustomizationResources(path.join(directoryOf.movedPartial, shop))).toEqual(['pay.workload.yaml']);
      },
    },
  },
  {
    name: 'the last workload of a synthesized stack removed (the stack kept): its files are deleted',
    build: () => {
      const directory = directoryOf.emptiedStack = tempDir();
      stacksApp(directory, { Shop: [{ id: 'Cart', namespace: 'carts' }], Pay: [{ id: 'Pay' }] }).synth();
      return stacksApp(directory, { Shop: [], Pay: [{ id: 'Pay' }] });
    },
    expect: {
      correct: () => expect(filesUnder(directoryOf.emptiedStack)).toEqual([FILE_LIST,
        `${shop}/kustomization.yaml`, `${shop}/namespace.yaml`, `${shop}/pay.workload.yaml`]),
    },
  },
  {
    name: 'a file list entry whose stacks are not a list of construct paths',
    build: () => {
      const directory = writtenOnce();
      fs.writeFileSync(path.join(directory, FILE_LIST), JSON.stringify({ files: { [`${shop}/cart.workload.yaml`]: 'Shop' } }));
      return synthesized(gitOpsApp(directory, [{ id: 'Cart', namespace: 'carts' }]));
    },
    expect: { throws: 'InvalidGitOpsFileList' },
  },
  // One folder, two spellings: folders are the resolved paths.
  {
    name: 'one folder written through a relative and an absolute directory: one kustomization lists both workloads',
    build: () => {
      const directory = directoryOf.spellings = tempDir();
      return gitOpsApp(path.relative(process.cwd(), directory), [{ id: 'Cart' }], stack => new PodIdentityBoundWorkload(stack, 'Web', {
        cluster: importedEksV2Cluster(stack, 'Cluster2'), namespace: 'shop', image: IMAGE, createNamespace: false, delivery: ManifestDelivery.gitOps({ directory }),
      }));
    },
    expect: {
      correct: () => expect(kustomizationResources(path.join(directoryOf.spellings, shop))).toEqual(['namespace.yaml', 'cart.workload.yaml', 'web.workload.yaml']),
    },
  },
  {
    name: 'two clusters in one folder, one through a relative and one through an absolute directory',
    build: () => {
      const directory = tempDir();
      return synthesized(gitOpsApp(path.relative(process.cwd(), directory), [{ id: 'Cart' }], stack => new PodIdentityBoundWorkload(stack, 'Pay', {
        cluster: importedEksV2Cluster(stack, 'Other', 'other-cluster'),
        namespace: 'shop',
        image: IMAGE,
        createNamespace: false,
        delivery: ManifestDelivery.gitOps({ directory, clusterFolder: IMPORTED_V2_CLUSTER_NAME }),
      })));
    },
    expect: { throws: 'GitOpsFileConflict' },
  },
  {
    name: 'one folder reached under two directories (one inside the other): each file list would claim the other\'s files',
    build: () => {
      const directory = tempDir();
      return synthesized(gitOpsApp(directory, [{ id: 'Cart', delivery: ManifestDelivery.gitOps({ directory, clusterFolder: 'main/blue' }) }], stack => new PodIdentityBoundWorkload(stack, 'Web', {
        cluster: importedEksV2Cluster(stack, 'Cluster2'),
        namespace: 'shop',
        image: IMAGE,
        createNamespace: false,
        delivery: ManifestDelivery.gitOps({ directory: path.join(directory, 'main'), clusterFolder: 'blue' }),
      })));
    },
    expect: { throws: 'GitOpsFileConflict' },
  },
  // Writes never follow a link out of the directory.
  {
    name: 'a generated file replaced by a symbolic link out of the directory: the write refuses, the file behind it is kept',
    build: () => {
      const directory = writtenOnce();
      const outside = path.join(tempDir(), 'outside.yaml');
      fs.writeFileSync(outside, 'keep\n');
      fs.rmSync(path.join(directory, shop, 'cart.workload.yaml'));
      fs.symlinkSync(outside, path.join(directory, shop, 'cart.workload.yaml'));
      return synthesizedKeeping(gitOpsApp(directory, [{ id: 'Cart' }]), outside, 'keep\n');
    },
    expect: { throws: 'InvalidGitOpsDirectory' },
  },
  {
    name: 'a namespace folder replaced by a symbolic link out of the directory, then written again: the write refuses',
    build: () => {
      const directory = writtenOnce();
      const elsewhere = tempDir();
      fs.writeFileSync(path.join(elsewhere, 'kustomization.yaml'), 'keep\n');
      fs.rmSync(path.join(directory, shop), { recursive: true });
      fs.symlinkSync(elsewhere, path.join(directory, shop));
      return synthesizedKeeping(gitOpsApp(directory, [{ id: 'Cart' }]), path.join(elsewhere, 'kustomization.yaml'), 'keep\n');
    },
    expect: { throws: 'InvalidGitOpsDirectory' },
  },
  {
    name: 'a cluster folder that is a symbolic link to a folder inside the directory: written through it',
    build: () => {
      const directory = directoryOf.linkInside = tempDir();
      fs.mkdirSync(path.join(directory, 'clusters', 'main'), { recursive: true });
      fs.symlinkSync(path.join(directory, 'clusters', 'main'), path.join(directory, IMPORTED_V2_CLUSTER_NAME));
      return gitOpsApp(directory, [{ id: 'Cart' }]);
    },
    expect: {
      correct: () => expect(fs.readdirSync(path.join(directoryOf.linkInside, 'clusters', 'main', 'shop')).sort())
        .toEqual(['cart.workload.yaml', 'kustomization.yaml', 'namespace.yaml']),
    },
  },
  // A synth that fails on an error annotation (the CLI fails it after writing the assembly) writes and deletes nothing.
  {
    name: 'an app check error (DuplicateDeployment): no GitOps file written or deleted',
    build: () => {
      const directory = writtenOnce();
      const before = filesUnder(directory);
      const app = gitOpsApp(directory, [{ id: 'Cart', namespace: 'carts' }], stack => new PodIdentityBoundWorkload(stack, 'Copy', {
        cluster: importedEksV2Cluster(stack, 'Cluster2'), namespace: 'carts', deploymentName: 'cart', createNamespace: false, image: IMAGE,
      }));
      app.synth();
      expect(filesUnder(directory)).toEqual(before);
      return app;
    },
    expect: { error: 'DuplicateDeployment' },
  },
  {
    name: 'an error annotation of the app\'s own (Annotations.addError), in another stage: no GitOps file written or deleted',
    build: () => {
      const directory = directoryOf.userError = writtenOnce();
      directoryOf.userErrorBefore = JSON.stringify(filesUnder(directory));
      const app = gitOpsApp(directory, [{ id: 'Cart', namespace: 'carts' }]);
      Annotations.of(new Stack(new Stage(app, 'Later'), 'Other')).addError('not ready');
      return app;
    },
    expect: { correct: () => expect(JSON.stringify(filesUnder(directoryOf.userError))).toBe(directoryOf.userErrorBefore) },
  },
  // A file list the library cannot trust: a clear error, nothing deleted.
  {
    name: 'a file list that is not JSON (a merge conflict)',
    build: () => {
      const directory = writtenOnce();
      fs.writeFileSync(path.join(directory, FILE_LIST), '<<<<<<< HEAD\n{"files": []}\n=======\n');
      return synthesized(gitOpsApp(directory, [{ id: 'Cart', namespace: 'carts' }]));
    },
    expect: { throws: 'InvalidGitOpsFileList' },
  },
  {
    name: 'a file list whose files are not strings',
    build: () => {
      const directory = writtenOnce();
      fs.writeFileSync(path.join(directory, FILE_LIST), '{"files": [{"path": "a.yaml"}]}');
      return synthesized(gitOpsApp(directory, [{ id: 'Cart' }]));
    },
    expect: { throws: 'InvalidGitOpsFileList' },
  },
  {
    name: 'a file list naming a file above the directory (..)',
    build: () => {
      const directory = writtenOnce();
      addToFileList(directory, '../../etc/hosts');
      return synthesized(gitOpsApp(directory, [{ id: 'Cart' }]));
    },
    expect: { throws: 'InvalidGitOpsFileList' },
  },
  {
    name: 'a file list naming an absolute path',
    build: () => {
      const directory = writtenOnce();
      addToFileList(directory, path.join(os.tmpdir(), 'x.yaml'));
      return synthesized(gitOpsApp(directory, [{ id: 'Cart' }]));
    },
    expect: { throws: 'InvalidGitOpsFileList' },
  },
  {
    name: 'a file standing where the cluster folder must be: InvalidGitOpsDirectory, not a raw ENOTDIR',
    build: () => {
      const directory = tempDir();
      fs.writeFileSync(path.join(directory, IMPORTED_V2_CLUSTER_NAME), 'not a folder\n');
      return synthesized(gitOpsApp(directory, [{ id: 'Cart' }]));
    },
    expect: { throws: 'InvalidGitOpsDirectory' },
  },
  // TokenInGitOpsManifest: the fix must fit the kind of value.
  {
    name: 'migratingFromIrsa with a generated role: the IRSA annotation\'s role ARN is a token',
    build: () => {
      const app = new App({ outdir: tempDir() });
      const stack = new Stack(app, 'Shop', { env: ENV });
      new PodIdentityBoundWorkload(stack, 'Cart', {
        cluster: importedEksV2ClusterWithOidc(stack),
        namespace: 'shop',
        image: IMAGE,
        migratingFromIrsa: true,
        delivery: ManifestDelivery.gitOps({ directory: tempDir() }),
      });
      return synthesized(app);
    },
    expect: { throws: 'TokenInGitOpsManifest' },
  },
  {
    name: 'migratingFromIrsa with a role imported by its literal ARN: written as is',
    build: () => {
      const directory = directoryOf.importedRole = tempDir();
      const app = new App({ outdir: tempDir() });
      const stack = new Stack(app, 'Shop', { env: ENV });
      new PodIdentityBoundWorkload(stack, 'Cart', {
        cluster: importedEksV2ClusterWithOidc(stack),
        namespace: 'shop',
        image: IMAGE,
        migratingFromIrsa: true,
        role: PodIdentityRole.fromPodIdentityRoleArn(stack, 'Role', `arn:aws:iam::${ENV.account}:role/carts`),
        delivery: ManifestDelivery.gitOps({ directory }),
      });
      return app;
    },
    expect: {
      correct: () => expect(fs.readFileSync(path.join(directoryOf.importedRole, shop, 'cart.workload.yaml'), 'utf8'))
        .toContain(`eks.amazonaws.com/role-arn: arn:aws:iam::${ENV.account}:role/carts`),
    },
  },
  {
    name: 'a queue ARN in an env var, even of a queue with a literal name, is a token',
    build: () => synthesized(gitOpsApp(tempDir(), [], stack => {
      const queue = new sqs.Queue(stack, 'Queue', { queueName: 'orders' });
      new PodIdentityBoundWorkload(stack, 'Cart', {
        cluster: importedEksV2Cluster(stack, 'Cluster2'),
        namespace: 'shop',
        image: IMAGE,
        env: { QUEUE_ARN: queue.queueArn },
        delivery: ManifestDelivery.gitOps({ directory: tempDir() }),
      });
    })),
    expect: { throws: 'TokenInGitOpsManifest' },
  },
  {
    name: 'the queue ARN written as the literal string built from its literal name: accepted',
    build: () => {
      const directory = directoryOf.literalArn = tempDir();
      return gitOpsApp(directory, [{ id: 'Cart', env: { QUEUE_ARN: `arn:aws:sqs:${ENV.region}:${ENV.account}:orders` } }],
        stack => new sqs.Queue(stack, 'Queue', { queueName: 'orders' }));
    },
    expect: {
      correct: () => expect(fs.readFileSync(path.join(directoryOf.literalArn, shop, 'cart.workload.yaml'), 'utf8'))
        .toContain(`value: arn:aws:sqs:${ENV.region}:${ENV.account}:orders`),
    },
  },
]);

afterAll(() => {
  directoryOf = {};
});
