// Every aws-cdk-lib internal the library touches lives in lib/private/aws-cdk-internals.ts. Each test here fails, naming
// the internal, when an aws-cdk-lib release changes it: read the failure before upgrading the aws-cdk-lib dev pin.
import * as fs from 'fs';
import * as path from 'path';
import { ISynthesisSession, CfnResource, PhysicalName, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, Dependable } from 'constructs';
import {
  afterTemplatesWritten, allowCrossAccountReference, cfnClusterOf, cfnPropertiesOf, clusterVersionOf, dependablesOf, hasCustomSynthesis,
  isEksClusterBase, isEksV2ClusterBase, isImmutableRole, managedAgentAddonOf, onSynthesis, overrideManifest,
  physicalNameOf, PRUNE_LABEL_PREFIX, renderedPropertiesOf, toCloudFormationOf, WRAPPED_ROLE,
} from '../../lib/private/aws-cdk-internals';
import { awsCdkManagedAgentAddon, ClusterModule, clusterModule, isAutoModeCluster, kubernetesVersion, literalClusterNameOf } from '../../lib/private/cluster';
import { fargateSelectorsOf } from '../../lib/private/fargate-selectors';
import { importedEksCluster, importedEksV2Cluster, KUBECTL_LAYER_ARN, newAutoModeCluster, newEksCluster, newEksV2Cluster, newStack } from '../helpers/clusters';

describe('aws-cdk-lib internals the library relies on', () => {
  test('ClusterBase: imported clusters of each module are recognised as that module (the unexported base class)', () => {
    const { stack } = newStack();
    expect(clusterModule(importedEksV2Cluster(stack, 'V2'))).toBe(ClusterModule.EKS_V2);
    expect(clusterModule(importedEksCluster(stack, 'V1'))).toBe(ClusterModule.EKS);
    expect(clusterModule(newEksV2Cluster(stack, 'NewV2'))).toBe(ClusterModule.EKS_V2);
    expect(clusterModule(newEksCluster(stack, 'NewV1'))).toBe(ClusterModule.EKS);
    expect(clusterModule(eks.CfnCluster.fromClusterName(stack, 'Ref', 'by-name'))).toBe(ClusterModule.REFERENCE);
    const v2 = importedEksV2Cluster(stack, 'OtherV2');
    const v1 = importedEksCluster(stack, 'OtherV1');
    expect([isEksV2ClusterBase(v2), isEksClusterBase(v2)]).toEqual([true, false]);
    expect([isEksV2ClusterBase(v1), isEksClusterBase(v1)]).toEqual([false, true]);
    expect([isEksV2ClusterBase(stack), isEksClusterBase(stack)]).toEqual([false, false]);
  });

  test('Cluster.version (private): the Kubernetes version of new clusters of both modules', () => {
    const { stack } = newStack();
    expect(kubernetesVersion(newEksV2Cluster(stack, 'V2'))).toBe('1.33');
    expect(kubernetesVersion(newEksCluster(stack, 'V1'))).toBe('1.33');
    expect(kubernetesVersion(importedEksV2Cluster(stack, 'Imported'))).toBeUndefined();
    expect(clusterVersionOf(newEksV2Cluster(stack, 'OtherV2'))).toBe('1.33');
    expect(() => clusterVersionOf({} as eks.Cluster)).toThrow(/AwsCdkInternalChanged.*Cluster\.version/);
  });

  test('aws_eks_v2 Cluster.node.defaultChild is its CfnCluster, whose computeConfig tells Auto Mode', () => {
    const { stack } = newStack();
    const autoMode = newAutoModeCluster(stack, 'Auto');
    const nodegroups = newEksV2Cluster(stack, 'Nodegroups');
    expect(cfnClusterOf(autoMode).cfnResourceType).toBe('AWS::EKS::Cluster');
    expect(stack.resolve(cfnClusterOf(autoMode).computeConfig)?.enabled).toBe(true);
    expect(stack.resolve(cfnClusterOf(nodegroups).computeConfig)?.enabled).not.toBe(true);
    expect([isAutoModeCluster(autoMode), isAutoModeCluster(nodegroups)]).toEqual([true, false]);
    const withoutDefaultChild = { node: new Construct(stack, 'Bare').node } as unknown as eksv2.Cluster;
    expect(() => cfnClusterOf(withoutDefaultChild)).toThrow(/AwsCdkInternalChanged.*aws_eks_v2 Cluster\.node\.defaultChild/);
  });

  test.each([
    ['aws-eks', (stack: Stack) => new eks.KubernetesManifest(stack, 'M', { cluster: importedEksCluster(stack), manifest: [{ kind: 'ConfigMap', metadata: { name: 'x' } }], prune: true })],
    ['aws-eks-v2', (stack: Stack) => new eksv2.KubernetesManifest(stack, 'M', { cluster: importedEksV2Cluster(stack), manifest: [{ kind: 'ConfigMap', metadata: { name: 'x' } }], prune: true })],
  ])(`the prune label %s's KubernetesManifest injects starts with ${PRUNE_LABEL_PREFIX}; its Manifest and PruneLabel properties take overrideManifest's`, (_, make) => {
    const { stack } = newStack();
    const manifest = make(stack);
    const { stack: otherStack } = newStack();
    const overriddenManifest = make(otherStack); // same path, same address
    const properties = Template.fromStack(stack).toJSON().Resources[stack.resolve((manifest.node.defaultChild as CfnResource).logicalId)].Properties;
    expect(properties.PruneLabel.startsWith(PRUNE_LABEL_PREFIX)).toBe(true);
    expect(Object.keys(JSON.parse(properties.Manifest)[0].metadata.labels)).toEqual([properties.PruneLabel]);
    // overrideManifest gives the label the KubernetesManifest made for itself: prefix + the construct's address.
    let given: string | undefined;
    overrideManifest(overriddenManifest, pruneLabel => {
      given = pruneLabel;
      return JSON.stringify([{ kind: 'ConfigMap', metadata: { name: 'y', labels: { [pruneLabel]: '' } } }]);
    });
    const overriddenId = otherStack.resolve((overriddenManifest.node.defaultChild as CfnResource).logicalId);
    const overridden = Template.fromStack(otherStack).toJSON().Resources[overriddenId].Properties;
    expect(given).toBe(properties.PruneLabel);
    expect(overridden.PruneLabel).toBe(properties.PruneLabel);
    expect(JSON.parse(overridden.Manifest)).toEqual([{ kind: 'ConfigMap', metadata: { name: 'y', labels: { [properties.PruneLabel]: '' } } }]);
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

  test('CfnResource._toCloudFormation renders a resource with its property overrides', () => {
    const { stack } = newStack();
    const addon = new eks.CfnAddon(stack, 'Addon', { addonName: 'aws-ebs-csi-driver', clusterName: 'prod' });
    addon.addPropertyOverride('NamespaceConfig.Namespace', 'storage');
    const logicalId = stack.resolve(addon.logicalId);
    expect(stack.resolve(toCloudFormationOf(addon))).toEqual({
      Resources: { [logicalId]: expect.objectContaining({ Type: 'AWS::EKS::Addon', Properties: expect.objectContaining({ AddonName: 'aws-ebs-csi-driver' }) }) },
    });
    expect(renderedPropertiesOf(addon)).toEqual(expect.objectContaining({ ClusterName: 'prod', NamespaceConfig: { Namespace: 'storage' } }));
    expect(() => toCloudFormationOf({} as CfnResource)).toThrow(/AwsCdkInternalChanged.*CfnResource\._toCloudFormation/);
  });

  test('attachCustomSynthesis on a stage runs after its stacks\' templates are written (the @aws-cdk/core:customSynthesis hook)', () => {
    const { app, stack } = newStack();
    newEksV2Cluster(stack);
    const seen: boolean[] = [];
    expect(hasCustomSynthesis(app)).toBe(false);
    afterTemplatesWritten(app, outdir => seen.push(fs.existsSync(path.join(outdir, stack.templateFile))));
    expect(hasCustomSynthesis(app)).toBe(true);
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
    const other = newEksV2Cluster(stack, 'Other');
    expect(managedAgentAddonOf(other)).toBe(other.eksPodIdentityAgent!.node.defaultChild);
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
    expect(physicalNameOf(named)).toBe('prod');
    expect(() => physicalNameOf({} as eksv2.Cluster)).toThrow(/AwsCdkInternalChanged.*Resource\.physicalName/);
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

  test('ImmutableRole (unexported, known by class name): Role.fromRoleArn with mutable: false or of another account', () => {
    const { stack } = newStack();
    const arn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
    const ownAccount = stack.account;
    const immutable = iam.Role.fromRoleArn(stack, 'Immutable', arn(ownAccount, 'fixed'), { mutable: false });
    const otherAccount = iam.Role.fromRoleArn(stack, 'OtherAccount', arn('999999999999', 'theirs'));
    const mutable = iam.Role.fromRoleArn(stack, 'Mutable', arn(ownAccount, 'ours'));
    const created = new iam.Role(stack, 'Created', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    const wrapper = new Construct(stack, 'Wrapper');
    Object.defineProperty(wrapper, WRAPPED_ROLE, { value: immutable, enumerable: false });
    expect([immutable, otherAccount, mutable, created, wrapper].map(isImmutableRole)).toEqual([true, true, false, false, true]);
  });

  test('Resource._enableCrossEnvironment(): generates a GENERATE_IF_NEEDED name now, throws for a deploy-time name', () => {
    const { stack } = newStack();
    const principal = new iam.ServicePrincipal('pods.eks.amazonaws.com');
    const generated = new iam.Role(stack, 'Generated', { assumedBy: principal, roleName: PhysicalName.GENERATE_IF_NEEDED });
    const deployTime = new iam.Role(stack, 'DeployTime', { assumedBy: principal });
    const notAResource = new Construct(stack, 'NotAResource');
    expect(allowCrossAccountReference(generated)).toBe(true);
    expect(stack.resolve((generated.node.defaultChild as iam.CfnRole).roleName)).toMatch(/^teststack/);
    expect(allowCrossAccountReference(deployTime)).toBe(false);
    expect(allowCrossAccountReference(notAResource)).toBe(true);
  });

  test('constructs Node._dependencies: the dependables added, as added (node.dependencies asks each for its roots)', () => {
    const { stack } = newStack();
    const [first, second, third] = ['First', 'Second', 'Third'].map(id => new Construct(stack, id));
    const askedFor: string[] = [];
    const lazy = {};
    Dependable.implement(lazy, {
      get dependencyRoots() {
        askedFor.push('lazy');
        return [third];
      },
    });
    const user = new Construct(stack, 'User');
    expect(dependablesOf(user)).toEqual([]);
    user.node.addDependency(first, second);
    user.node.addDependency(lazy);
    expect(dependablesOf(user)).toEqual([first, second, lazy]);
    expect(askedFor).toEqual([]);
    expect(user.node.dependencies).toEqual([first, second, third]);
    expect(askedFor).toEqual(['lazy']);
  });
});
