// cfn-lint over every template the examples and integ tests synthesize: no finding on this library's resources.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { cfnLintFindings } from './cfn-lint';
import { PodIdentityBoundWorkload } from '../../lib';
import { importedEksV2Cluster } from '../helpers/clusters';

/** The apps a CDK entry point creates and synthesizes when loaded (as `cdk synth` and integ-runner load them). */
function appsOf(entryPoint: string): App[] {
  const apps: App[] = [];
  const synth = App.prototype.synth;
  const spy = jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App, options) {
    apps.push(this);
    return synth.call(this, options);
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading a CDK entry point runs it, as `cdk synth` does
    require(entryPoint); // (each entry point once: jest gives every test file a fresh module registry)
  } finally {
    spy.mockRestore();
  }
  expect(apps.length).toBeGreaterThan(0);
  return apps;
}

const ROOT = path.join(__dirname, '..', '..');
const ENTRY_POINTS = ['examples/app.ts', 'integ/integ.role-associations.ts', 'integ/integ.workload.ts'];

test.each(ENTRY_POINTS)('%s: no cfn-lint finding on the library\'s resources', (entryPoint) => {
  for (const app of appsOf(path.join(ROOT, entryPoint))) {
    expect(cfnLintFindings(app)).toEqual([]);
  }
});

test('the judge says no: a hand-added DependsOn on the role is W3005 on the association, and others\' findings are left out', () => {
  const app = new App();
  const stack = new Stack(app, 'Broken', { env: { account: '111111111111', region: 'us-east-1' } });
  const cluster = importedEksV2Cluster(stack);
  const workload = new PodIdentityBoundWorkload(stack, 'Cart', { cluster, namespace: 'shop', image: 'cart:1' });
  workload.association.node.addDependency(workload.role.node.defaultChild!);
  // A legacy property cfn-lint warns about (W3045) on a resource that is not the library's.
  new s3.Bucket(stack, 'Legacy', { accessControl: s3.BucketAccessControl.LOG_DELIVERY_WRITE });

  const findings = cfnLintFindings(app);
  expect(findings).toEqual([expect.stringMatching(/^W3005 Broken\.template\.json#PodIdentityAssociation[0-9A-F]+\/DependsOn\/\d+: .*CartRole/)]);
  expect(cfnLintFindings(app, () => true).some(finding => finding.startsWith('W3045'))).toBe(true);
});
