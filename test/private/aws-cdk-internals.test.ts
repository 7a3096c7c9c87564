// Every aws-cdk-lib internal the library touches lives in lib/private/cluster.ts. Each test here fails, naming the
// internal, when an aws-cdk-lib release changes it: read the failure before upgrading the aws-cdk-lib dev pin.
import * as fs from 'fs';
import * as path from 'path';
import { ISynthesisSession, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  awsCdkManagedAgentAddon, cfnPropertiesOf, ClusterModule, clusterModule, fargateSelectorsOf, kubernetesVersion,
  literalClusterNameOf, onSynthesis, PRUNE_LABEL_PREFIX, afterTemplatesWritten,
} from '../../lib/private/cluster';
import { importedEksCluster, importedEksV2Cluster, KUBECTL_LAYER_ARN, newEksCluster, newEksV2Cluster, newStack } from '../helpers/clusters';

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

  test('attachCustomSynthesis on a stage runs after its stacks\' templates are written (the @aws-cdk/core:customSynthesis hook)', () => {
    const { app, stack } = newStack();
    newEksV2Cluster(stack);
    const seen: boolean[] = [];
    afterTemplatesWritten(app, outdir => seen.push(fs.existsSync(path.join(outdir, stack.templateFile))));
    afterTemplatesWritten(app, outdir => seen.push(fs.existsSync(path.join(outdir, stack.templateFile)))); // a second hook still runs
    app.synth();
    expect(seen).toEqual([true, true]);
  });

  test('Cluster.eksPodIdentityAgent is an Addon whose default child is the CfnAddon (new clusters); none for imports', () => {
    const { stack } = newStack();
    for (const cluster of [newEksV2Cluster(stack, 'V2'), newEksCluster(stack, 'V1')]) {
      const addon = awsCdkManagedAgentAddon(cluster);
      // By CloudFormation type: aws_eks_v2's CfnAddon is a class of its own in newer aws-cdk-lib releases.
      expect(addon!.cfnResourceType).toBe(eks.CfnAddon.CFN_RESOURCE_TYPE_NAME);
      expect(addon!.addonName).toBe('eks-pod-identity-agent');
    }
    expect(awsCdkManagedAgentAddon(importedEksV2Cluster(stack, 'Imported'))).toBeUndefined();
  });

  test('Resource.physicalName (protected): the clusterName given to a new cluster, a token when CloudFormation picks it', () => {
    const { stack } = newStack();
    const named = new eksv2.Cluster(stack, 'Named', { clusterName: 'prod', version: eksv2.KubernetesVersion.V1_33 });
    const namedV1 = new eks.Cluster(stack, 'NamedV1', {
      clusterName: 'prod-v1',
      version: eks.KubernetesVersion.V1_33,
      defaultCapacity: 0,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Layer', KUBECTL_LAYER_ARN),
    });
    expect(literalClusterNameOf(named)).toBe('prod');
    expect(literalClusterNameOf(namedV1)).toBe('prod-v1');
    expect(literalClusterNameOf(newEksV2Cluster(stack, 'Generated'))).toBeUndefined();
    expect(literalClusterNameOf(importedEksV2Cluster(stack, 'Imported', 'imported'))).toBe('imported');
  });

  test('attachCustomSynthesis: runs once per synthesis, after validation, and not when validation fails', () => {
    const { app, stack } = newStack();
    const writer = new Construct(stack, 'Writer');
    const sessions: ISynthesisSession[] = [];
    onSynthesis(writer, session => sessions.push(session));
    const assembly = app.synth();
    expect(sessions.map(session => session.outdir)).toEqual([assembly.directory]);

    let valid = false;
    writer.node.addValidation({ validate: () => valid ? [] : ['not yet'] });
    expect(() => app.synth({ force: true })).toThrow(/not yet/);
    expect(sessions).toHaveLength(1);
    valid = true;
    app.synth({ force: true });
    expect(sessions).toHaveLength(2);
  });
});
