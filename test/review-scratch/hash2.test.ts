import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ENV, importedEksV2Cluster } from '../helpers/clusters';
test('x', () => {
  for (const p of [undefined, '/x/', '/x/']) {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    const cluster = importedEksV2Cluster(stack);
    const role = new iam.Role(stack, 'R', { path: p, assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    new PodIdentityBoundWorkload(stack, 'W', { cluster, namespace: 'shop', image: 'x/y:1', role });
    const t = app.synth().getStackByName('S').template;
    for (const r of Object.values<any>(t.Resources)) if (r.Type === 'Custom::AWSCDK-EKS-KubernetesResource') {
      const m = JSON.stringify(r.Properties.Manifest);
      console.log(m.slice(m.indexOf('identity-hash') - 20, m.indexOf('identity-hash') + 60));
    }
  }
});
