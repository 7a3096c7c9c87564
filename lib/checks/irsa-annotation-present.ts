import { CheckContext } from './check';
import { IRSA_ANNOTATION } from '../private/eks-facts';
import { annotateWarning, quote } from '../private/errors';

/** `IrsaAnnotationPresent`: a ServiceAccount of the workload still carries the IRSA role annotation. */
export function checkIrsaAnnotationPresent({ facts }: CheckContext) {
  // Every registered workload, with the objects of its chart (cdk8s renders metadata for each).
  for (const [workload, objects] of facts.chartObjects) {
    if (workload.migratingFromIrsa) continue;
    for (const object of objects) {
      if (object.kind !== 'ServiceAccount') continue;
      const roleArn = object.metadata.annotations?.[IRSA_ANNOTATION];
      if (roleArn !== undefined) {
        annotateWarning(workload, 'IrsaAnnotationPresent',
          `ServiceAccount ${quote(object.metadata.name)} carries the IRSA annotation ${IRSA_ANNOTATION}=${quote(roleArn)} while a Pod Identity association exists; the SDKs prefer IRSA's web identity credentials`,
          'remove the annotation, or set migratingFromIrsa: true while moving the workload from IRSA to Pod Identity');
      }
    }
  }
}
