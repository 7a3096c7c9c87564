// Adversarial table of trust, role and identity inputs: trust conditions, the trust policy length
// estimate, managed policies per role, hand-made target roles, add-on ordering and namespace, and the identity
// annotation that rolls pods when their identity changes. Each row is one small app and its exact outcome.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { adversarialTable, AdversarialRow } from './harness';
import { ManifestDelivery, PodIdentityAddon, PodIdentityBoundWorkload, PodIdentityRole } from '../../lib';
import { ACCOUNT, ENV, importedEksV2Cluster } from '../helpers/clusters';

const IMAGE = 'public.ecr.aws/aws-containers/retail-store-sample-cart:1.0.0';

function app(env: { account?: string; region?: string } | undefined = ENV) {
  const root = new App();
  const stack = new Stack(root, 'Stack', { env });
  const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
  return { app: root, stack, cluster };
}

function templateOf(assembly: CloudAssembly): any {
  return assembly.getStackByName('Stack').template;
}

function resourcesOfType(assembly: CloudAssembly, type: string): Array<[string, any]> {
  return Object.entries(templateOf(assembly).Resources).filter(([, r]: [string, any]) => r.Type === type) as Array<[string, any]>;
}

function addonNamed(assembly: CloudAssembly, name: string): any {
  return resourcesOfType(assembly, 'AWS::EKS::Addon').map(([, r]) => r).find(r => r.Properties.AddonName === name);
}

/** A role with `count` distinct AWS managed policies. */
function managedPolicies(count: number): iam.IManagedPolicy[] {
  return Array.from({ length: count }, (_, i) => iam.ManagedPolicy.fromAwsManagedPolicyName(`Policy${i}`));
}

/** A role associated with `n` service accounts, scoped: one trust statement each. */
function scopedRole(n: number, env: { account?: string; region?: string } | undefined) {
  const { app: root, stack } = app(env);
  const role = new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true });
  for (let i = 0; i < n; i++) {
    role.associate(importedEksV2Cluster(stack, `C${i}`, `cluster-${i}`), { namespace: `team-${i}`, serviceAccount: 'app' });
  }
  return root;
}

/** An association whose hand-made target role (an `iam.Role` in the app) has exactly `statements` as its trust. */
function handMadeTarget(statements: (role: iam.IRole) => iam.PolicyStatement[], disableSessionTags = false, roleName = 'association-role') {
  const { app: root, stack, cluster } = app();
  const role = new PodIdentityRole(stack, 'Role', { roleName });
  const target = new iam.Role(stack, 'Target', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  (target.assumeRolePolicy as any).statements.splice(0);
  target.assumeRolePolicy!.addStatements(...statements(role));
  role.associate(cluster, { namespace: 'ns', serviceAccount: 'sa', targetRole: target, disableSessionTags });
  return root;
}

function trusting(principal: iam.IPrincipal, actions: string[], externalId?: string): iam.PolicyStatement {
  const statement = new iam.PolicyStatement({ principals: [principal], actions });
  if (externalId !== undefined) statement.addCondition('StringEquals', { 'sts:ExternalId': externalId });
  return statement;
}

/** The identity annotation of the workload's Deployment, as rendered into the kubectl manifest. */
function identityAnnotationOf(assembly: CloudAssembly): string | undefined {
  const [, manifest] = resourcesOfType(assembly, 'Custom::AWSCDK-EKS-KubernetesResource')[0];
  const objects = JSON.parse(typeof manifest.Properties.Manifest === 'string' ? manifest.Properties.Manifest : JSON.stringify(manifest.Properties.Manifest));
  const deployment = objects.find((o: any) => o.kind === 'Deployment');
  return deployment.spec.template.metadata.annotations?.['cdk-eks-pod-identity/identity-hash'];
}

type WorkloadInput = { role?: 'own' | 'other' | 'named' | 'renamed'; target?: boolean; tagsOff?: boolean; sessionPolicy?: string };

function workloadApp(input: WorkloadInput = {}) {
  const { app: root, stack, cluster } = app();
  const other = input.role === 'other' ? new PodIdentityRole(stack, 'Other')
    : input.role === 'named' ? new PodIdentityRole(stack, 'Other', { roleName: 'shop-api' })
      : input.role === 'renamed' ? new PodIdentityRole(stack, 'Other', { roleName: 'shop-api-v2' }) : undefined;
  const target = input.target ? iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/data') : undefined;
  new PodIdentityBoundWorkload(stack, 'Api', {
    cluster,
    namespace: 'shop',
    image: IMAGE,
    role: other,
    associationSettings: {
      targetRole: target,
      disableSessionTags: input.tagsOff || input.sessionPolicy !== undefined,
      sessionPolicy: input.sessionPolicy === undefined ? undefined : new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${input.sessionPolicy}/*`] })],
      }),
    },
  });
  if (input.tagsOff || input.sessionPolicy !== undefined) {
    // (the unscoped-role warning is acknowledged: this table is about the annotation)
    const workload = stack.node.findChild('Api');
    Annotations.of(workload).acknowledgeWarning('cdk-eks-pod-identity:UnscopedWorkloadRole', 'test');
  }
  return root;
}

const rows: AdversarialRow[] = [
  // 1. trustConditions are validated.
  {
    name: 'trustConditions: an operator whose value is a string, not a block of keys',
    build: () => { const { app: a, stack } = app(); new PodIdentityRole(stack, 'Role', { trustConditions: { StringEquals: 'x' } }); return a; },
    expect: { throws: 'InvalidTrustCondition' },
  },
  {
    name: 'trustConditions: an operator whose value is an array',
    build: () => { const { app: a, stack } = app(); new PodIdentityRole(stack, 'Role', { trustConditions: { StringEquals: [{ 'aws:SourceOrgId': 'o-1' }] } }); return a; },
    expect: { throws: 'InvalidTrustCondition' },
  },
  {
    name: 'trustConditions: an operator IAM does not have (StringEqual)',
    build: () => { const { app: a, stack } = app(); new PodIdentityRole(stack, 'Role', { trustConditions: { StringEqual: { 'aws:SourceOrgId': 'o-1' } } }); return a; },
    expect: { throws: 'InvalidTrustCondition' },
  },
  {
    name: 'trustConditions: AWS:SourceOrgId (another case) beside scopeTrustToOrganization: IAM keys are case-insensitive',
    build: () => {
      const { app: a, stack } = app();
      new PodIdentityRole(stack, 'Role', { scopeTrustToOrganization: true, trustConditions: { StringEquals: { 'AWS:SourceOrgId': 'o-1' } } });
      return a;
    },
    expect: { throws: 'ConflictingTrustCondition' },
  },
  {
    name: 'trustConditions: a session-tag key in another case on a scoped role',
    build: () => {
      const { app: a, stack, cluster } = app();
      new PodIdentityRole(stack, 'Role', { scopeTrustToAssociations: true, trustConditions: { StringEquals: { 'AWS:RequestTag/Kubernetes-Namespace': 'x' } } })
        .associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
      return a;
    },
    expect: { throws: 'ConflictingTrustCondition' },
  },
  {
    name: 'near miss, accepted: ForAnyValue:StringLikeIfExists and Null are IAM operators; rendered as given',
    build: () => {
      const { app: a, stack, cluster } = app();
      new PodIdentityRole(stack, 'Role', {
        scopeTrustToAssociations: true,
        trustConditions: { 'ForAnyValue:StringLikeIfExists': { 'aws:RequestTag/kubernetes-pod-name': ['api-*'] }, 'Null': { 'aws:SourceOrgId': 'false' } },
      }).associate(cluster, { namespace: 'ns', serviceAccount: 'sa' });
      return a;
    },
    expect: {
      correct: assembly => {
        const [[, role]] = resourcesOfType(assembly, 'AWS::IAM::Role');
        const condition = role.Properties.AssumeRolePolicyDocument.Statement[0].Condition;
        expect(condition['ForAnyValue:StringLikeIfExists']).toEqual({ 'aws:RequestTag/kubernetes-pod-name': ['api-*'] });
        expect(condition.Null).toEqual({ 'aws:SourceOrgId': 'false' });
      },
    },
  },

  // 2. The trust policy length is estimated with the partition that applies.
  {
    name: 'six associations on a scoped role in an environment-agnostic stack fit (no aws-us-gov false positive)',
    build: () => scopedRole(6, undefined),
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::EKS::PodIdentityAssociation')).toHaveLength(6) },
  },
  {
    name: 'six associations on a scoped role in us-east-1 fit',
    build: () => scopedRole(6, ENV),
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::EKS::PodIdentityAssociation')).toHaveLength(6) },
  },
  {
    name: 'near miss: seven associations are too many for the default quota',
    build: () => scopedRole(7, ENV),
    expect: { error: 'TrustPolicyTooLong' },
  },

  // 3. Managed policies per role.
  {
    name: 'a PodIdentityRole with 11 managed policies (IAM default quota 10)',
    build: () => { const { app: a, stack } = app(); new PodIdentityRole(stack, 'Role', { managedPolicies: managedPolicies(11) }); return a; },
    expect: { error: 'TooManyManagedPolicies' },
  },
  {
    name: 'near miss, accepted: exactly 10 managed policies',
    build: () => { const { app: a, stack } = app(); new PodIdentityRole(stack, 'Role', { managedPolicies: managedPolicies(10) }); return a; },
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::IAM::Role')[0][1].Properties.ManagedPolicyArns).toHaveLength(10) },
  },
  {
    name: 'near miss, accepted: 11 managed policies with managedPoliciesPerRoleQuota: 20 (raised in Service Quotas)',
    build: () => { const { app: a, stack } = app(); new PodIdentityRole(stack, 'Role', { managedPolicies: managedPolicies(11), managedPoliciesPerRoleQuota: 20 }); return a; },
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::IAM::Role')[0][1].Properties.ManagedPolicyArns).toHaveLength(11) },
  },
  {
    name: 'a workload role given 9 managed policies and 2 iam.ManagedPolicy attached with roles: [role]',
    build: () => {
      const { app: a, stack, cluster } = app();
      const workload = new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: 'shop', image: IMAGE });
      for (const policy of managedPolicies(9)) workload.role.addManagedPolicy(policy);
      for (const id of ['P1', 'P2']) {
        new iam.ManagedPolicy(stack, id, { roles: [workload.role], statements: [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['*'] })] });
      }
      return a;
    },
    expect: { error: 'TooManyManagedPolicies' },
  },
  {
    name: 'an add-on service account role given 11 managed policies',
    build: () => {
      const { app: a, stack, cluster } = app();
      new PodIdentityAddon(stack, 'Efs', { cluster, addonName: 'aws-efs-csi-driver', serviceAccounts: [{ serviceAccount: 'efs-csi-controller-sa', managedPolicies: managedPolicies(11) }] });
      return a;
    },
    expect: { error: 'TooManyManagedPolicies' },
  },
  {
    name: 'a plain iam.Role given 11 managed policies, used by a workload: a warning (its quota may have been raised)',
    build: () => {
      const { app: a, stack, cluster } = app();
      const role = new iam.Role(stack, 'Plain', { assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')) });
      for (const policy of managedPolicies(11)) role.addManagedPolicy(policy);
      new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: 'shop', image: IMAGE, role });
      return a;
    },
    expect: { warning: 'TooManyManagedPolicies' },
  },
  {
    name: 'an invalid managedPoliciesPerRoleQuota (above 20)',
    build: () => { const { app: a, stack } = app(); new PodIdentityRole(stack, 'Role', { managedPoliciesPerRoleQuota: 25 }); return a; },
    expect: { throws: 'InvalidManagedPoliciesPerRoleQuota' },
  },

  // 4. Hand-made target roles must let the association role assume them.
  {
    name: 'a hand-made target role trusted only by ec2.amazonaws.com',
    build: () => handMadeTarget(() => [trusting(new iam.ServicePrincipal('ec2.amazonaws.com'), ['sts:AssumeRole', 'sts:TagSession'])]),
    expect: { error: 'TargetRoleTrustMissingAssociationRole' },
  },
  {
    name: 'a hand-made target role trusting another account only',
    build: () => handMadeTarget(() => [trusting(new iam.AccountPrincipal('222222222222'), ['sts:AssumeRole', 'sts:TagSession'])]),
    expect: { error: 'TargetRoleTrustMissingAssociationRole' },
  },
  {
    name: 'a hand-made target role trusting another role of the account only',
    build: () => handMadeTarget(() => [trusting(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/someone-else`), ['sts:AssumeRole', 'sts:TagSession'])]),
    expect: { error: 'TargetRoleTrustMissingAssociationRole' },
  },
  {
    name: 'a hand-made target role requiring another association\'s external id (session tags off)',
    build: () => handMadeTarget(() => [trusting(new iam.AccountPrincipal(ACCOUNT), ['sts:AssumeRole'], 'us-east-1/111111111111/prod/other-ns/sa')], true),
    expect: { error: 'TargetRoleTrustExternalIdMismatch' },
  },
  {
    name: 'near miss, accepted: an environment-agnostic stack, the target role trusting the account by its literal id',
    build: () => {
      const root = new App();
      const stack = new Stack(root, 'Stack'); // no env: account and region are tokens
      const cluster = importedEksV2Cluster(stack, 'Cluster', 'prod');
      const principal = new iam.AccountPrincipal(ACCOUNT);
      const target = new iam.Role(stack, 'Target', { assumedBy: principal });
      target.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [principal] }));
      new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: 'shop', image: IMAGE, role: new PodIdentityRole(stack, 'AppRole'), associationSettings: { targetRole: target } });
      return root;
    },
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::EKS::PodIdentityAssociation')).toHaveLength(1) },
  },
  {
    name: 'near miss, accepted: trusting the association role by the literal ARN its literal roleName gives',
    build: () => handMadeTarget(() => [trusting(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/shop-api`), ['sts:AssumeRole', 'sts:TagSession'])], false, 'shop-api'),
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::EKS::PodIdentityAssociation')).toHaveLength(1) },
  },
  {
    name: 'a literal ARN of another name than the association role\'s literal roleName',
    build: () => handMadeTarget(() => [trusting(new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/shop-api-old`), ['sts:AssumeRole', 'sts:TagSession'])], false, 'shop-api'),
    expect: { error: 'TargetRoleTrustMissingAssociationRole' },
  },
  {
    name: 'near miss, accepted: trusting the association role itself (its ARN) for both actions',
    build: () => handMadeTarget(role => [trusting(new iam.ArnPrincipal(role.roleArn), ['sts:AssumeRole', 'sts:TagSession'])]),
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::EKS::PodIdentityAssociation')).toHaveLength(1) },
  },
  {
    name: 'near miss, accepted: trusting the account root with this association\'s external id (session tags off)',
    build: () => handMadeTarget(() => [trusting(new iam.AccountRootPrincipal(), ['sts:AssumeRole'], 'us-east-1/111111111111/prod/ns/sa')], true),
    expect: { correct: assembly => expect(resourcesOfType(assembly, 'AWS::EKS::PodIdentityAssociation')).toHaveLength(1) },
  },

  // 5. PodIdentityAddon: ordering after a user role's policies; the add-on's own namespace.
  {
    name: 'an add-on with a user role whose iam.Policy is attached: the add-on waits for the policy',
    build: () => {
      const { app: a, stack, cluster } = app();
      const role = new PodIdentityRole(stack, 'EfsRole');
      new iam.Policy(stack, 'EfsPolicy', { roles: [role], statements: [new iam.PolicyStatement({ actions: ['elasticfilesystem:DescribeAccessPoints'], resources: ['*'] })] });
      new PodIdentityAddon(stack, 'Efs', { cluster, addonName: 'aws-efs-csi-driver', serviceAccounts: [{ serviceAccount: 'efs-csi-controller-sa', role }] });
      return a;
    },
    expect: {
      correct: assembly => {
        const [[policyId]] = resourcesOfType(assembly, 'AWS::IAM::Policy');
        expect(addonNamed(assembly, 'aws-efs-csi-driver').DependsOn).toEqual(expect.arrayContaining([policyId]));
      },
    },
  },
  {
    name: 'a known add-on given a namespace it does not run in',
    build: () => { const { app: a, stack, cluster } = app(); new PodIdentityAddon(stack, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver', namespace: 'storage' }); return a; },
    expect: { throws: 'AddonNamespaceMismatch' },
  },
  {
    name: 'near miss, accepted: a known add-on given its own namespace',
    build: () => { const { app: a, stack, cluster } = app(); new PodIdentityAddon(stack, 'Ebs', { cluster, addonName: 'aws-ebs-csi-driver', namespace: 'kube-system' }); return a; },
    expect: { correct: assembly => expect(addonNamed(assembly, 'aws-ebs-csi-driver').Properties.PodIdentityAssociations).toHaveLength(1) },
  },

  // 6. The identity annotation rolls the pods when their identity changes.
  {
    name: 'the Deployment carries an identity hash, the same for the same app built twice',
    build: () => workloadApp(),
    expect: {
      correct: assembly => {
        const annotation = identityAnnotationOf(assembly);
        expect(annotation).toMatch(/^[0-9a-f]{16}$/);
        expect(identityAnnotationOf(workloadApp().synth())).toBe(annotation);
      },
    },
  },
  {
    name: 'the identity hash changes with the role, the target role, session tags and the session policy',
    build: () => workloadApp(),
    expect: {
      correct: assembly => {
        const hashes = [
          identityAnnotationOf(assembly),
          identityAnnotationOf(workloadApp({ role: 'other' }).synth()),
          // Same logical id, another name: CloudFormation replaces the role, so the pods must roll too.
          identityAnnotationOf(workloadApp({ role: 'named' }).synth()),
          identityAnnotationOf(workloadApp({ role: 'renamed' }).synth()),
          identityAnnotationOf(workloadApp({ target: true }).synth()),
          identityAnnotationOf(workloadApp({ tagsOff: true }).synth()),
          identityAnnotationOf(workloadApp({ sessionPolicy: 'bucket-a' }).synth()),
          identityAnnotationOf(workloadApp({ sessionPolicy: 'bucket-b' }).synth()),
        ];
        expect(new Set(hashes).size).toBe(hashes.length);
      },
    },
  },
  {
    name: 'GitOps delivery: the identity hash of a new role is a literal in the YAML file, not a token',
    build: () => {
      const { app: a, stack, cluster } = app();
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'trust-gitops-'));
      new PodIdentityBoundWorkload(stack, 'Api', { cluster, namespace: 'shop', image: IMAGE, delivery: ManifestDelivery.gitOps({ directory }) });
      stack.node.addMetadata('test:directory', directory);
      return a;
    },
    expect: {
      correct: (_assembly, a) => {
        const stack = a.node.findChild('Stack');
        const directory = stack.node.metadata.find(m => m.type === 'test:directory')!.data as string;
        const yaml = fs.readdirSync(directory, { recursive: true } as any).map(String)
          .filter(file => file.endsWith('.yaml')).map(file => fs.readFileSync(path.join(directory, file), 'utf8')).join('\n');
        expect(yaml).toMatch(/cdk-eks-pod-identity\/identity-hash: "?[0-9a-f]{16}"?\n/);
      },
    },
  },
];

adversarialTable(rows);
