// ServiceAccountMismatch: the whole message, and the Deployment it checks.
import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { messagesOf, withId, workload } from './helpers';

describe('ServiceAccountMismatch', () => {
  test.each([
    ['another service account', JsonPatch.replace('/spec/template/spec/serviceAccountName', 'other'), '"other"'],
    ['none (the default one)', JsonPatch.remove('/spec/template/spec/serviceAccountName'), '"default"'],
  ])('the pods run as %s', (_name, patch, quoted) => {
    const { app, workload: w } = workload();
    ApiObject.of(w.deployment).addJsonPatch(patch);
    expect(withId(messagesOf(app), 'ServiceAccountMismatch')).toEqual([{
      level: 'error',
      path: '/Stack/Carts',
      text: `[cdk-eks-pod-identity:ServiceAccountMismatch] the Deployment's pods run as service account ${quoted} but the association binds "carts", so the pods get no credentials. `
        + 'Fix: leave the Deployment\'s service account to the workload (do not replace it), or associate the service account the pods use',
    }]);
  });

  test('another Deployment in the chart, rendered before the workload\'s own, is not the one checked', () => {
    const { app, workload: w } = workload();
    // A batch job under another service account, ordered first by a dependency: cdk8s renders it before the
    // workload's Deployment, so only the name tells the two apart.
    const other = new kplus.Deployment(w.chart, 'Other', {
      metadata: { name: 'carts-batch' },
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(w.chart, 'Batch', 'batch'),
      containers: [{ image: 'batch:1', securityContext: { user: 1000 } }],
    });
    w.deployment.node.addDependency(other);
    const deployments = w.chart.toJson().filter((o: any) => o.kind === 'Deployment').map((o: any) => o.metadata.name);
    expect(deployments).toEqual(['carts-batch', 'carts']);
    expect(withId(messagesOf(app), 'ServiceAccountMismatch')).toEqual([]);
  });
});
