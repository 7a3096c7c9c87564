import { CheckContext } from './check';
import { annotateWarning, quote } from '../private/errors';
import { fargateSelections } from '../private/fargate-selection';

/**
 * `FargateProfileSelectsNamespace`: a Fargate profile selects the association's namespace by labels the workload's
 * pods do not carry (or whose pods are not known): pods with those labels get no Pod Identity credentials.
 */
export function checkFargateProfileSelectsNamespace({ registry, facts }: CheckContext) {
  for (const { association, selector, labels, selectsPods } of fargateSelections(registry, facts)) {
    if (selectsPods) continue;
    annotateWarning(association, 'FargateProfileSelectsNamespace',
      `the Fargate profile ${selector.profile} selects pods labelled ${quote(Object.fromEntries(labels))} in namespace ${quote(association.namespace)}${selector.namespace === association.namespace ? '' : ` (selector namespace ${quote(selector.namespace)})`}; such pods get no Pod Identity credentials`,
      'make sure the workload\'s pods do not carry those labels');
  }
}
