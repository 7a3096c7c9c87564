import { Stack, Token } from 'aws-cdk-lib';
import { CheckContext } from './check';
import { annotateError, quote } from '../private/errors';

/** `UnsupportedRegion`: Pod Identity is not offered in the China and GovCloud regions. */
export function checkUnsupportedRegion({ registry }: CheckContext) {
  for (const association of registry.associations) {
    for (const region of new Set([Stack.of(association).region, association.cluster.env.region])) {
      if (Token.isUnresolved(region)) continue;
      if (region.startsWith('cn-') || region.startsWith('us-gov-')) {
        annotateError(association, 'UnsupportedRegion',
          `region ${quote(region)} does not offer EKS Pod Identity (not available in the China and AWS GovCloud (US) regions)`,
          'use IAM roles for service accounts (IRSA: cluster.addServiceAccount) in this region, or deploy to a commercial region');
      }
    }
  }
}
