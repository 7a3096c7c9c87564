// Checks the smoke app's template: exits non-zero with every mismatch listed.
'use strict';
const fs = require('fs');

const template = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const resources = Object.entries(template.Resources ?? {});
const problems = [];
const ofType = type => resources.filter(([, r]) => r.Type === type);
const expectCount = (type, n) => {
  const found = ofType(type).length;
  if (found !== n) problems.push(`expected ${n} ${type}, found ${found}`);
};

expectCount('AWS::EKS::Addon', 1);
expectCount('AWS::EKS::PodIdentityAssociation', 2);
expectCount('Custom::AWSCDK-EKS-KubernetesResource', 1);

const [, addon] = ofType('AWS::EKS::Addon')[0] ?? [];
if (addon && (addon.Properties.AddonName !== 'eks-pod-identity-agent' || addon.Properties.ClusterName !== 'smoke-cluster')) {
  problems.push(`add-on: ${JSON.stringify(addon.Properties)}`);
}
const addonId = (ofType('AWS::EKS::Addon')[0] ?? [])[0];

// Pod identity roles: trusted by pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession.
const podRoles = ofType('AWS::IAM::Role').filter(([, r]) => (r.Properties.AssumeRolePolicyDocument?.Statement ?? [])
  .some(s => [].concat(s.Principal?.Service ?? []).includes('pods.eks.amazonaws.com')));
if (podRoles.length !== 2) problems.push(`expected 2 roles trusted by pods.eks.amazonaws.com, found ${podRoles.length}`);
for (const [id, role] of podRoles) {
  const actions = role.Properties.AssumeRolePolicyDocument.Statement
    .filter(s => [].concat(s.Principal?.Service ?? []).includes('pods.eks.amazonaws.com'))
    .flatMap(s => [].concat(s.Action));
  for (const action of ['sts:AssumeRole', 'sts:TagSession']) {
    if (!actions.includes(action)) problems.push(`role ${id} trust lacks ${action} (has ${actions})`);
  }
}
const podRoleIds = podRoles.map(([id]) => id);

// Associations: the right (namespace, service account), a pod role, after the add-on.
const pairs = [];
for (const [id, a] of ofType('AWS::EKS::PodIdentityAssociation')) {
  const p = a.Properties;
  pairs.push(`${p.Namespace}/${p.ServiceAccount}`);
  if (p.ClusterName !== 'smoke-cluster') problems.push(`association ${id} ClusterName ${JSON.stringify(p.ClusterName)}`);
  const roleRef = p.RoleArn?.['Fn::GetAtt']?.[0];
  if (!podRoleIds.includes(roleRef)) problems.push(`association ${id} RoleArn ${JSON.stringify(p.RoleArn)} is not a pod identity role`);
  if (addonId && !(a.DependsOn ?? []).includes(addonId)) problems.push(`association ${id} does not depend on the add-on ${addonId}`);
}
for (const pair of ['batch/reader', 'web/web']) {
  if (!pairs.includes(pair)) problems.push(`no association for ${pair} (found ${pairs})`);
}

// The workload's manifest: a ServiceAccount and a Deployment that runs as it, applied after the association.
const [manifestId, manifest] = ofType('Custom::AWSCDK-EKS-KubernetesResource')[0] ?? [];
if (manifest) {
  const raw = manifest.Properties.Manifest;
  let objects = [];
  try {
    // A JSON string, or an Fn::Join of JSON fragments with tokens (e.g. a bucket name) inside string values.
    const json = typeof raw === 'string' ? raw : raw['Fn::Join'][1].map(part => typeof part === 'string' ? part : 'TOKEN').join('');
    objects = JSON.parse(json);
  } catch (e) {
    problems.push(`manifest ${manifestId} is not JSON: ${e.message}`);
  }
  const kinds = objects.map(o => `${o.kind}/${o.metadata?.name}`);
  for (const kind of ['Namespace/web', 'ServiceAccount/web', 'Deployment/web']) {
    if (!kinds.includes(kind)) problems.push(`manifest lacks ${kind} (has ${kinds})`);
  }
  const deployment = objects.find(o => o.kind === 'Deployment');
  if (deployment && deployment.spec?.template?.spec?.serviceAccountName !== 'web') {
    problems.push(`Deployment runs as ${deployment.spec?.template?.spec?.serviceAccountName}, not web`);
  }
  const associationIds = ofType('AWS::EKS::PodIdentityAssociation').map(([id]) => id);
  if (!(manifest.DependsOn ?? []).some(id => associationIds.includes(id))) {
    problems.push(`manifest ${manifestId} does not depend on an association (DependsOn ${manifest.DependsOn})`);
  }
}

if (problems.length > 0) {
  console.error('judge:smoke: template check failed:\n  - ' + problems.join('\n  - '));
  process.exit(1);
}
console.log(`judge:smoke: template ok (${resources.length} resources)`);
