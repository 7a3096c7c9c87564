// The Kubernetes objects of a workload in its default shape (no containerOptions or deploymentOptions), written out
// exactly as cdk8s-plus renders them, so a workload whose cdk8s objects nobody touches never builds them: building
// and rendering the cdk8s App, Chart and cdk8s-plus objects is most of a workload's cost at synthesis. The workload
// builds the real cdk8s-plus objects the moment `chart`, `deployment`, `serviceAccount` or `kubernetesNamespace` is
// read, and renders those from then on. test/private/default-workload-objects.test.ts proves both renderings
// identical, and compares every cdk8s-plus default copied here with what the installed cdk8s-plus-28 renders
// (judge:compat runs it on the newest release the peer range admits). Used only by workload-objects.ts.
import { Names } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** What the default shape depends on. */
export interface DefaultWorkloadShape {
  /** The id of the workload's chart in its own cdk8s app (the root of the pod selector label). */
  readonly chartId: string;
  readonly namespace: string;
  /** Whether the chart holds a Namespace object. */
  readonly createNamespace: boolean;
  readonly serviceAccountName: string;
  /** ServiceAccount annotations (the IRSA role annotation while migrating), if any. */
  readonly serviceAccountAnnotations?: Record<string, string>;
  readonly deploymentName: string;
  /** Pod template labels besides the selector label. */
  readonly podLabels: Record<string, string>;
  /** Pod template annotations, if any. */
  readonly podAnnotations?: Record<string, string>;
  readonly replicas?: number;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly port?: number;
  /** The container's environment, in order. */
  readonly env: Array<[string, string]>;
  /** The container security context as rendered (runAsUser, capabilities...). */
  readonly containerSecurityContext: Record<string, unknown>;
  /** The pod security context as rendered, the seccomp profile included. */
  readonly podSecurityContext: Record<string, unknown>;
  /** Where the scratch volume is mounted, and its name. */
  readonly tmpPath: string;
  readonly tmpVolumeName: string;
}

// cdk8s-plus-28 2.5.x defaults of a Deployment and its container (cdk8s-plus exposes none of them but the label).
const DEFAULT_REPLICAS = 2;
const DEFAULT_CONTAINER_NAME = 'main';
const DEFAULT_RESOURCES = { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } };
const ADDRESS_LABEL = kplus.Pod.ADDRESS_LABEL;

/** The objects cdk8s renders for the chart (before `withoutServerDefaults`), in cdk8s' order. */
export function defaultWorkloadObjects(shape: DefaultWorkloadShape): Array<Record<string, any>> {
  const objects: Array<Record<string, any>> = [];
  if (shape.createNamespace) {
    objects.push(rendered({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: shape.namespace }, spec: {} }));
  }
  objects.push(rendered({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: shape.serviceAccountName, namespace: shape.namespace, annotations: shape.serviceAccountAnnotations },
    automountServiceAccountToken: false,
  }));
  const selector = { [ADDRESS_LABEL]: selectorLabelValue(shape.chartId) };
  objects.push(rendered({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: shape.deploymentName, namespace: shape.namespace },
    spec: {
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      replicas: shape.replicas ?? DEFAULT_REPLICAS,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { labels: { ...shape.podLabels, ...selector }, annotations: shape.podAnnotations },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            args: shape.args,
            command: shape.command,
            env: shape.env.map(([name, value]) => ({ name, value })),
            image: shape.image,
            imagePullPolicy: 'Always',
            name: DEFAULT_CONTAINER_NAME,
            ports: shape.port === undefined ? undefined : [{ containerPort: shape.port }],
            resources: DEFAULT_RESOURCES,
            securityContext: shape.containerSecurityContext,
            startupProbe: shape.port === undefined ? undefined : { failureThreshold: 3, tcpSocket: { port: shape.port } },
            volumeMounts: [{ mountPath: shape.tmpPath, name: shape.tmpVolumeName }],
          }],
          dnsPolicy: 'ClusterFirst',
          hostNetwork: false,
          restartPolicy: 'Always',
          securityContext: { fsGroupChangePolicy: 'Always', ...shape.podSecurityContext },
          serviceAccountName: shape.serviceAccountName,
          setHostnameAsFQDN: false,
          terminationGracePeriodSeconds: 30,
          volumes: [{ emptyDir: {}, name: shape.tmpVolumeName }],
        },
      },
    },
  }));
  return objects;
}

/**
 * The label cdk8s-plus selects the Deployment's pods by: cdk8s' `Names.toLabelValue` of the Deployment at
 * `<chartId>/Deployment` in its app, computed on a bare construct at that path (same function, same input).
 */
function selectorLabelValue(chartId: string): string {
  const root = new Construct(undefined as any, '');
  return Names.toLabelValue(new Construct(new Construct(root, chartId), 'Deployment'));
}

/** As cdk8s' `ApiObject.toJson()`: empty values dropped, keys sorted, then apiVersion, kind and metadata first. */
function rendered(object: Record<string, any>): Record<string, any> {
  const sorted = sanitized(object);
  const { apiVersion, kind, metadata, ...rest } = sorted;
  return { apiVersion, kind, metadata, ...rest };
}

function sanitized(value: any): any {
  if (value === null || value === undefined || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sanitized);
  const result: Record<string, any> = {};
  for (const key of Object.keys(value).sort()) {
    const item = sanitized(value[key]);
    if (item !== null && item !== undefined) result[key] = item;
  }
  return result;
}
