// IrsaAnnotationPresent: the whole message, and the annotations it must not report.
import { App, Stack } from 'aws-cdk-lib';
import * as kplus from 'cdk8s-plus-28';
import { messagesOf, withId, workload } from './helpers';
import { PodIdentityAgentAddon, PodIdentityBoundWorkload } from '../../lib';
import { ENV, importedEksV2ClusterWithOidc } from '../helpers/clusters';
import { cartsWorkload, expectAnnotation, warningsOf } from '../helpers/stack-messages';

describe('IrsaAnnotationPresent', () => {
  test('the annotation on a ServiceAccount of the chart', () => {
    const { app, workload: w } = workload();
    w.serviceAccount.metadata.addAnnotation('eks.amazonaws.com/role-arn', 'arn:aws:iam::111111111111:role/old');
    const warnings = withId(messagesOf(app), 'IrsaAnnotationPresent');
    expect(warnings.map(m => [m.level, m.path])).toEqual([['warning', '/Stack/Carts']]);
    expect(warnings[0].text).toContain('[cdk-eks-pod-identity:IrsaAnnotationPresent] ServiceAccount "carts" carries the IRSA annotation eks.amazonaws.com/role-arn="arn:aws:iam::111111111111:role/old" while a Pod Identity association exists; the SDKs prefer IRSA\'s web identity credentials. '
      + 'Fix: remove the annotation, or set migratingFromIrsa: true while moving the workload from IRSA to Pod Identity');
  });

  test('migration mode: the workload sets the annotation itself, which is not reported', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = importedEksV2ClusterWithOidc(stack, 'Cluster', 'prod');
    const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', migratingFromIrsa: true });
    expect(Object.keys(w.serviceAccount.metadata.toJson().annotations)).toEqual(['eks.amazonaws.com/role-arn']);
    expect(withId(messagesOf(app), 'IrsaAnnotationPresent')).toEqual([]);
  });

  test('other annotations and the annotation on other kinds are fine', () => {
    const { app, workload: w } = workload();
    w.serviceAccount.metadata.addAnnotation('example.com/owner', 'team');
    new kplus.ConfigMap(w.chart, 'Config', { metadata: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/old' } } });
    expect(messagesOf(app)).toEqual([]);
  });

  test('the IRSA annotation on a ServiceAccount the user added to the chart', () => {
    const { app, stack, workload: w } = cartsWorkload();
    new kplus.ServiceAccount(w.chart, 'Extra', { metadata: { name: 'extra', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/x' } } });
    app.synth();
    expectAnnotation(warningsOf(stack), 'IrsaAnnotationPresent', '"extra"');
  });

  test('no warning in migration mode (the workload sets the annotation itself)', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const cluster = importedEksV2ClusterWithOidc(stack, 'Cluster', 'prod');
    PodIdentityAgentAddon.of(cluster); // the agent is not installed yet, stated (else AgentAddonOnImportedCluster warns)
    const w = new PodIdentityBoundWorkload(stack, 'Carts', { cluster, namespace: 'carts', image: 'cart:1', migratingFromIrsa: true });
    expect(w.serviceAccount.metadata.toJson().annotations).toEqual({ 'eks.amazonaws.com/role-arn': w.role.roleArn });
    app.synth();
    expect(warningsOf(stack)).toEqual([]);
  });
});
