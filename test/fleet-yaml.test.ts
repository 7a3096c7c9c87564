// Which `yaml` a fleet spec file is read with: the one cdk8s bundles (always installed with it), never whichever
// `yaml` the app happens to have at its top level.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { WorkloadFleet } from '../lib';
import { ENV, makeCluster } from './helpers/clusters';

// A top-level `yaml` (another version, or none at all in an app) must not be the one used.
jest.mock('yaml', () => {
  throw new Error('the top-level yaml package was loaded');
});

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-yaml-'));
const file = path.join(dir, 'fleet.yaml');
fs.writeFileSync(file, `- id: carts\n  namespace: carts\n  image: ${IMAGE}\n`);

function fleet() {
  const app = new App();
  return new WorkloadFleet(app, 'Fleet', { cluster: makeCluster('imported-eks-v2', new Stack(app, 'ClusterStack', { env: ENV })) });
}

test('a YAML spec file is read with the yaml package cdk8s bundles', () => {
  expect(fleet().addWorkloadsFromFile(file).map(w => w.namespace)).toEqual(['carts']);
});
