import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';

const IMAGE = 'public.ecr.aws/x/y:1';

function hashOf(build: (stack: Stack, cluster: any) => PodIdentityBoundWorkload): string {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rv-')) });
  const stack = new Stack(app, 'S', { env: ENV });
  const cluster = importedEksV2Cluster(stack);
  const w = build(stack, cluster);
  const asm = app.synth();
  const t = asm.getStackByName('S').template;
  const manifests = Object.values(t.Resources).filter((r: any) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource') as any[];
  const m = JSON.stringify(manifests.map(r => r.Properties.Manifest));
  const match = /identity-hash\\+":\\+"([0-9a-f]+)/.exec(m);
  void w;
  return match ? match[1] : 'NONE:' + m.slice(0, 300);
}

test('role rename (replacement, same logical id)', () => {
  const a = hashOf((stack, cluster) => new PodIdentityBoundWorkload(stack, 'W', {
    cluster, namespace: 'shop', image: IMAGE, role: new PodIdentityRole(stack, 'R', { roleName: 'role-a' }),
  }));
  const b = hashOf((stack, cluster) => new PodIdentityBoundWorkload(stack, 'W', {
    cluster, namespace: 'shop', image: IMAGE, role: new PodIdentityRole(stack, 'R', { roleName: 'role-b' }),
  }));
  console.log('rename', a, b);
  // plain iam.Role with path change
  const c = hashOf((stack, cluster) => new PodIdentityBoundWorkload(stack, 'W', {
    cluster, namespace: 'shop', image: IMAGE, role: new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') }),
  }));
  const d = hashOf((stack, cluster) => new PodIdentityBoundWorkload(stack, 'W', {
    cluster, namespace: 'shop', image: IMAGE, role: new iam.Role(stack, 'R', { path: '/x/', assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') }),
  }));
  console.log('path', c, d);
  // own role -> unchanged
  const e = hashOf((stack, cluster) => new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'shop', image: IMAGE }));
  const f = hashOf((stack, cluster) => new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'shop', image: IMAGE, replicas: 3 }));
  console.log('own', e, f);
});
