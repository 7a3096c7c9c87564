// DNS and certificates: external-dns, cert-manager (Route 53 DNS-01), AWS Private CA issuer.
import * as route53 from 'aws-cdk-lib/aws-route53';
import { NO_RESOURCE_LEVEL, PresetDefinition, globalArn, requireArns, requireScope } from './grants';
import { AwsPrivateCaIssuerOptions, CertManagerOptions, ExternalDnsOptions } from './options';
import { knownAddonServiceAccount } from '../private/eks-facts';

function zoneArns(preset: string, zones: route53.IHostedZone[] | undefined): string[] {
  return requireScope(preset, 'hostedZones', zones,
    'pass the zones it manages, e.g. route53.HostedZone.fromHostedZoneId(this, \'Zone\', \'Z123\')')
    .map(zone => zone.hostedZoneArn);
}

/**
 * Upstream: https://kubernetes-sigs.github.io/external-dns/latest/docs/tutorials/aws/#iam-policy, also
 * terraform-aws-eks-pod-identity `external_dns.tf`. Tighter: record changes only in the given zones (upstream:
 * every zone). Reading records and tags stays on every zone of the account (upstream: `*`): external-dns lists
 * the records of each zone its `--domain-filter`/`--zone-type`/`--zone-id-filter` let through (with a domain
 * filter also its sub-zones and the private zone of the same name), and one AccessDenied stops its whole sync.
 * `ListTagsForResource` (external-dns before v0.14) next to `ListTagsForResources` (v0.14+, `--aws-zone-tags`).
 */
export function externalDns(options: ExternalDnsOptions): PresetDefinition {
  return {
    name: 'ExternalDns',
    namespace: 'external-dns',
    serviceAccount: 'external-dns',
    grants: [
      { actions: ['route53:ChangeResourceRecordSets'], resources: zoneArns('externalDns', options.hostedZones) },
      {
        actions: ['route53:ListResourceRecordSets', 'route53:ListTagsForResource', 'route53:ListTagsForResources'],
        resources: [globalArn('route53', 'hostedzone/*')],
        wildcardReason: 'external-dns reads the records of every zone its filters let through, and fails its whole sync on one AccessDenied; writes stay limited to the given zones',
      },
      { actions: ['route53:ListHostedZones'], resources: ['*'], wildcardReason: NO_RESOURCE_LEVEL },
    ],
  };
}

/**
 * Upstream: https://cert-manager.io/docs/configuration/acme/dns01/route53/#set-up-an-iam-role (including its
 * optional condition that record changes are TXT records under `_acme-challenge.`), also
 * terraform-aws-eks-pod-identity `cert_manager.tf`.
 */
export function certManager(options: CertManagerOptions): PresetDefinition {
  const zones = zoneArns('certManager', options.hostedZones);
  return {
    name: 'CertManager',
    namespace: 'cert-manager',
    serviceAccount: 'cert-manager',
    grants: [
      {
        actions: ['route53:GetChange'],
        resources: [globalArn('route53', 'change/*')],
        wildcardReason: 'Route 53 change ids are returned by ChangeResourceRecordSets at run time, so only the change/* pattern can name them',
      },
      {
        actions: ['route53:ChangeResourceRecordSets'],
        resources: zones,
        conditions: {
          'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
          'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['_acme-challenge.*'] },
        },
      },
      { actions: ['route53:ListResourceRecordSets'], resources: zones },
      { actions: ['route53:ListHostedZonesByName'], resources: ['*'], wildcardReason: NO_RESOURCE_LEVEL },
    ],
  };
}

/**
 * Upstream: https://github.com/cert-manager/aws-privateca-issuer#configuration, also
 * terraform-aws-eks-pod-identity `aws_privateca_issuer.tf`.
 */
export function awsPrivateCaIssuer(options: AwsPrivateCaIssuerOptions): PresetDefinition {
  const preset = 'awsPrivateCaIssuer';
  const authorities = requireArns(preset, 'certificateAuthorityArns',
    requireScope(preset, 'certificateAuthorityArns', options.certificateAuthorityArns, 'pass the ARNs of the certificate authorities your issuers name'),
    'acm-pca');
  return {
    name: 'AwsPrivateCaIssuer',
    ...knownAddonServiceAccount('aws-privateca-connector-for-kubernetes'),
    grants: [{
      actions: ['acm-pca:DescribeCertificateAuthority', 'acm-pca:GetCertificate', 'acm-pca:IssueCertificate'],
      resources: authorities,
    }],
  };
}
