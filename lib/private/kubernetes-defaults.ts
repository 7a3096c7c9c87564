// Fields cdk8s-plus renders with the value the Kubernetes API server would give them anyway. Leaving them out of the
// manifest changes nothing on the cluster (kubectl apply removes a field it applied before, and the server sets the
// default again) and saves about 300 bytes of template per workload, which is what limits workloads per stack.
// Used only by workload-objects.ts, on every rendering.
type KubernetesObject = Record<string, any>;

const DEPLOYMENT_SPEC_DEFAULTS: Record<string, unknown> = { minReadySeconds: 0, progressDeadlineSeconds: 600 };
const POD_SPEC_DEFAULTS: Record<string, unknown> = {
  dnsPolicy: 'ClusterFirst',
  hostNetwork: false,
  restartPolicy: 'Always',
  setHostnameAsFQDN: false,
  terminationGracePeriodSeconds: 30,
};

/** The object without the fields whose value is the API server's default (a shallow copy where changed). */
export function withoutServerDefaults(object: KubernetesObject): KubernetesObject {
  if (object.kind === 'Namespace' && isEmptyObject(object.spec)) {
    const { spec, ...rest } = object;
    return rest;
  }
  if (object.kind !== 'Deployment' || !object.spec) return object;
  const spec = omitDefaults(object.spec, DEPLOYMENT_SPEC_DEFAULTS);
  const strategy = spec.strategy;
  if (strategy?.type === 'RollingUpdate' && strategy.rollingUpdate?.maxSurge === '25%'
    && strategy.rollingUpdate?.maxUnavailable === '25%' && Object.keys(strategy).length === 2) {
    delete spec.strategy;
  }
  const podSpec = spec.template?.spec;
  if (podSpec) {
    const newPodSpec = omitDefaults(podSpec, POD_SPEC_DEFAULTS);
    if (podSpec.securityContext?.fsGroupChangePolicy === 'Always') {
      const { fsGroupChangePolicy, ...securityContext } = podSpec.securityContext;
      newPodSpec.securityContext = securityContext;
    }
    spec.template = { ...spec.template, spec: newPodSpec };
  }
  return { ...object, spec };
}

function omitDefaults(object: KubernetesObject, defaults: Record<string, unknown>): KubernetesObject {
  const result: KubernetesObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (!(key in defaults) || defaults[key] !== value) result[key] = value;
  }
  return result;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}
