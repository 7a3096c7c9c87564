// Every aws-cdk-lib internal the library touches lives in lib/private/cluster.ts. Each test here fails, naming the
// internal, when an aws-cdk-lib release changes it: read the failure before upgrading the aws-cdk-lib dev pin.
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import {
  awsCdkManagedAgentAddon, cfnPropertiesOf, ClusterModule, clusterModule, fargateSelectorsOf, kubernetesVersion,
  PRUNE_LABEL_PREFIX, renderedTemplateOf,
} from '../../lib/private/cluster';
import { importedEksCluster, importedEksV2Cluster, newEksCluster, newEksV2Cluster, newStack } from '../helpers/clusters';

describe('aws-cdk-lib internals the library relies on', () => {
  test('ClusterBase: imported clusters of each module are recognised as that module (the unexported base class)', () => {
    const { stack } = newStack();
    expect(clusterModule(importedEksV2Cluster(stack, 'V2'))).toBe(ClusterModule.EKS_V2);
    expect(clusterModule(importedEksCluster(stack, 'V1'))).toBe(ClusterModule.EKS);
    expect(clusterModule(newEksV2Cluster(stack, 'NewV2'))).toBe(ClusterModule.EKS_V2);
    expect(clusterModule(newEksCluster(stack, 'NewV1'))).toBe(ClusterModule.EKS);
    expect(clusterModule(eks.CfnCluster.fromClusterName(stack, 'Ref', 'by-name'))).toBe(ClusterModule.REFERENCE);
  });

  test('Cluster.version (private): the Kubernetes version of new clusters of both modules', () => {
    const { stack } = newStack();
    expect(kubernetesVersion(newEksV2Cluster(stack, 'V2'))).toBe('1.33');
    expect(kubernetesVersion(newEksCluster(stack, 'V1'))).toBe('1.33');
    expect(kubernetesVersion(importedEksV2Cluster(stack, 'Imported'))).toBeUndefined();
  });

  test.each([
    ['aws-eks', (stack: Stack) => new eks.KubernetesManifest(stack, 'M', { cluster: importedEksCluster(stack), manifest: [{ kind: 'ConfigMap', metadata: { name: 'x' } }], prune: true })],
    ['aws-eks-v2', (stack: Stack) => new eksv2.KubernetesManifest(stack, 'M', { cluster: importedEksV2Cluster(stack), manifest: [{ kind: 'ConfigMap', metadata: { name: 'x' } }], prune: true })],
  ])(`the prune label %s's KubernetesManifest injects starts with ${PRUNE_LABEL_PREFIX}`, (_, make) => {
    const { stack } = newStack();
    const manifest = make(stack);
    const properties = Template.fromStack(stack).toJSON().Resources[stack.resolve((manifest.node.defaultChild as CfnResource).logicalId)].Properties;
    expect(properties.PruneLabel.startsWith(PRUNE_LABEL_PREFIX)).toBe(true);
    expect(Object.keys(JSON.parse(properties.Manifest)[0].metadata.labels)).toEqual([properties.PruneLabel]);
  });

  test('CfnResource._cfnProperties holds the properties of custom resources (manifests, aws-eks Fargate profiles)', () => {
    const { stack } = newStack();
    const cluster = newEksCluster(stack);
    const profile = cluster.addFargateProfile('Profile', { selectors: [{ namespace: 'batch', labels: { tier: 'spot' } }] });
    const resource = profile.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && c.cfnResourceType === 'Custom::AWSCDK-EKS-FargateProfile')!;
    expect(cfnPropertiesOf(resource).Config).toBeDefined();
    expect(fargateSelectorsOf(resource)).toEqual([expect.objectContaining({ namespace: 'batch', labels: { tier: 'spot' } })]);
    expect(() => cfnPropertiesOf({} as CfnResource)).toThrow(/AwsCdkInternalChanged.*CfnResource\._cfnProperties/);
  });

  test('Stack._toCloudFormation() renders the template synthesis writes', () => {
    const { stack } = newStack();
    newEksV2Cluster(stack);
    const written = Template.fromStack(stack).toJSON();
    expect(renderedTemplateOf(stack)).toEqual(written);
  });

  test('Cluster.eksPodIdentityAgent is an Addon whose default child is the CfnAddon (new clusters); none for imports', () => {
    const { stack } = newStack();
    for (const cluster of [newEksV2Cluster(stack, 'V2'), newEksCluster(stack, 'V1')]) {
      const addon = awsCdkManagedAgentAddon(cluster);
      expect(addon).toBeInstanceOf(eks.CfnAddon);
      expect(addon!.addonName).toBe('eks-pod-identity-agent');
    }
    expect(awsCdkManagedAgentAddon(importedEksV2Cluster(stack, 'Imported'))).toBeUndefined();
  });
});
