// Checks the template of the app assembled from the README (readme-snippets.js): the existing cluster is imported in
// one call through a kubectl provider that runs as the README's role with the kubectl layer, no agent add-on is
// created (the snippet says podIdentityAgentInstalled: true), and the workload carts/carts is bound and applied by
// that provider. Exits non-zero with every mismatch listed, each naming its README section.
//   node check-readme-template.js cdk.out.readme/ReadmeStack.template.json readme-app.facts.json
'use strict';
const fs = require('fs');

const template = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { kubectlRoleArn, clusterName, podIdentityAgentInstalled } = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const CLUSTER = 'README section "### Use an existing cluster"';
const WORKLOAD = 'README section "### One workload"';
const resources = Object.entries(template.Resources ?? {});
const byId = id => (template.Resources ?? {})[id];
const ofType = type => resources.filter(([, r]) => r.Type === type);
const getAttArn = value => (value?.['Fn::GetAtt']?.[1] === 'Arn' ? value['Fn::GetAtt'][0] : undefined);
const problems = [];

// The kubectl handler: one Lambda running as the README's role, with the kubectl layer.
const handlers = ofType('AWS::Lambda::Function').filter(([, f]) => f.Properties.Role === kubectlRoleArn);
if (handlers.length !== 1) {
  problems.push(`${CLUSTER}: expected 1 kubectl Lambda running as ${kubectlRoleArn}, found ${handlers.length}`
    + ` (roles: ${ofType('AWS::Lambda::Function').map(([, f]) => JSON.stringify(f.Properties.Role))})`);
}
const [handlerId, handler] = handlers[0] ?? [];
if (handler) {
  const layers = (handler.Properties.Layers ?? []).map(l => byId(l?.Ref)).filter(l => l?.Type === 'AWS::Lambda::LayerVersion');
  if (!layers.some(l => /\/opt\/kubectl\/kubectl/.test(l.Properties.Description ?? ''))) {
    problems.push(`${CLUSTER}: the kubectl Lambda ${handlerId} has no kubectl layer (layers: ${JSON.stringify(handler.Properties.Layers)})`);
  }
}

// The provider: the framework's onEvent Lambda that invokes that handler.
const providers = ofType('AWS::Lambda::Function')
  .filter(([, f]) => handlerId && getAttArn(f.Properties.Environment?.Variables?.USER_ON_EVENT_FUNCTION_ARN) === handlerId);
if (handlerId && providers.length !== 1) {
  problems.push(`${CLUSTER}: expected 1 kubectl provider (onEvent Lambda invoking ${handlerId}), found ${providers.length}`);
}
const providerId = (providers[0] ?? [])[0];

// The agent add-on: none when the snippet declares it installed (podIdentityAgentInstalled: true), else one.
const addons = ofType('AWS::EKS::Addon');
const expectedAddons = podIdentityAgentInstalled ? 0 : 1;
if (addons.length !== expectedAddons) {
  problems.push(`${CLUSTER}: the snippet ${podIdentityAgentInstalled ? 'passes' : 'does not pass'} podIdentityAgentInstalled: true, `
    + `so ${expectedAddons} AWS::EKS::Addon expected, found ${addons.length} (${addons.map(([, a]) => a.Properties.AddonName)})`);
}

// The association carts/carts on the imported cluster, with a role pods.eks.amazonaws.com may assume.
const associations = ofType('AWS::EKS::PodIdentityAssociation');
const carts = associations.filter(([, a]) => a.Properties.Namespace === 'carts' && a.Properties.ServiceAccount === 'carts');
if (associations.length !== 1 || carts.length !== 1) {
  problems.push(`${WORKLOAD}: expected one association carts/carts, found `
    + `${associations.map(([, a]) => `${a.Properties.Namespace}/${a.Properties.ServiceAccount}`)}`);
}
const [associationId, association] = carts[0] ?? [];
if (association) {
  if (association.Properties.ClusterName !== clusterName) {
    problems.push(`${CLUSTER}: association ${associationId} is on cluster ${JSON.stringify(association.Properties.ClusterName)}, not ${clusterName}`);
  }
  const roleId = getAttArn(association.Properties.RoleArn);
  const trust = byId(roleId)?.Properties?.AssumeRolePolicyDocument?.Statement ?? [];
  if (!trust.some(s => [].concat(s.Principal?.Service ?? []).includes('pods.eks.amazonaws.com'))) {
    problems.push(`${WORKLOAD}: association ${associationId} role ${JSON.stringify(association.Properties.RoleArn)} is not trusted by pods.eks.amazonaws.com`);
  }
  // table.grantReadWriteData(carts) lands on that role.
  const [tableId] = ofType('AWS::DynamoDB::Table')[0] ?? [];
  const granted = ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles ?? []).some(r => r?.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
    .some(s => [].concat(s.Action).includes('dynamodb:PutItem') && [].concat(s.Resource).some(r => getAttArn(r) === tableId));
  if (!granted) problems.push(`${WORKLOAD}: table.grantReadWriteData(carts) did not grant dynamodb:PutItem on the table to the role ${roleId}`);
}

// The workload's manifest, applied by that provider after the association.
const manifests = ofType('Custom::AWSCDK-EKS-KubernetesResource');
if (manifests.length !== 1) problems.push(`${WORKLOAD}: expected 1 Kubernetes manifest, found ${manifests.length}`);
const [manifestId, manifest] = manifests[0] ?? [];
if (manifest) {
  const token = getAttArn(manifest.Properties.ServiceToken);
  if (!providerId || token !== providerId) {
    problems.push(`${CLUSTER}: manifest ${manifestId} ServiceToken ${JSON.stringify(manifest.Properties.ServiceToken)} is not the kubectl provider ${providerId}`);
  }
  if (manifest.Properties.ClusterName !== clusterName) {
    problems.push(`${CLUSTER}: manifest ${manifestId} ClusterName ${JSON.stringify(manifest.Properties.ClusterName)}, not ${clusterName}`);
  }
  if (associationId && !(manifest.DependsOn ?? []).includes(associationId)) {
    problems.push(`${WORKLOAD}: manifest ${manifestId} does not depend on the association ${associationId} (DependsOn ${manifest.DependsOn})`);
  }
  let objects = [];
  try {
    const raw = manifest.Properties.Manifest;
    const json = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map(part => typeof part === 'string' ? part : 'TOKEN').join('');
    objects = JSON.parse(json);
  } catch (e) {
    problems.push(`${WORKLOAD}: manifest ${manifestId} is not JSON: ${e.message}`);
  }
  const kinds = objects.map(o => `${o.kind}/${o.metadata?.name}`);
  for (const kind of ['Namespace/carts', 'ServiceAccount/carts', 'Deployment/carts']) {
    if (!kinds.includes(kind)) problems.push(`${WORKLOAD}: manifest lacks ${kind} (has ${kinds})`);
  }
  const deployment = objects.find(o => o.kind === 'Deployment');
  if (deployment && deployment.spec?.template?.spec?.serviceAccountName !== 'carts') {
    problems.push(`${WORKLOAD}: Deployment runs as ${deployment.spec?.template?.spec?.serviceAccountName}, not carts`);
  }
}

// A clean synthesis: `cdk synth` fails on an error annotation (node does not), and a README reader should see no warning.
const metadataFile = process.argv[2].replace(/\.template\.json$/, '.metadata.json');
const metadata = fs.existsSync(metadataFile) ? JSON.parse(fs.readFileSync(metadataFile, 'utf8')) : {};
for (const [path, entries] of Object.entries(metadata)) {
  for (const entry of entries) {
    if (entry.type === 'aws:cdk:error' || entry.type === 'aws:cdk:warning') {
      problems.push(`${CLUSTER} / ${WORKLOAD}: ${entry.type.replace('aws:cdk:', '')} at ${path}: ${entry.data}`);
    }
  }
}

if (problems.length > 0) {
  console.error('judge:smoke: README app template check failed:\n  - ' + problems.join('\n  - '));
  process.exit(1);
}
console.log(`judge:smoke: README app template ok (${resources.length} resources: ${clusterName} imported via a kubectl provider `
  + `running as ${kubectlRoleArn} with the kubectl layer, ${podIdentityAgentInstalled ? 'no' : 'an'} agent add-on, carts/carts bound)`);
