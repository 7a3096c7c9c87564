// Judge: does a pod template pass the Kubernetes Pod Security Standards "restricted" profile (which includes
// "baseline")? Each control of https://kubernetes.io/docs/concepts/security/pod-security-standards/ is checked on
// the field it names, for the pod and for every container, init container and ephemeral container, and each
// violation is reported as `<field path>: <why>`, so a failing test says exactly which field is wrong.
type Json = any;

const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const PROFILE_TYPES = ['RuntimeDefault', 'Localhost'];

/** The violations of the restricted profile by a pod spec (`spec.template.spec` of a Deployment); empty when it passes. */
export function restrictedProfileViolations(podSpec: Json, podAnnotations: Record<string, string> = {}): string[] {
  const violations: string[] = [];
  const fail = (field: string, why: string) => violations.push(`${field}: ${why}`);
  const pod = podSpec.securityContext ?? {};
  const containers: Array<[string, Json]> = [
    ...(podSpec.containers ?? []).map((c: Json, i: number) => [`containers[${i}]`, c]),
    ...(podSpec.initContainers ?? []).map((c: Json, i: number) => [`initContainers[${i}]`, c]),
    ...(podSpec.ephemeralContainers ?? []).map((c: Json, i: number) => [`ephemeralContainers[${i}]`, c]),
  ];

  // Baseline: host process, host namespaces, privileged, capabilities, hostPath, host ports, AppArmor, SELinux,
  // /proc mount, seccomp, sysctls.
  if (pod.windowsOptions?.hostProcess === true) fail('securityContext.windowsOptions.hostProcess', 'must not be true');
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (podSpec[field] === true) fail(field, 'must not be true');
  }
  for (const [i, volume] of (podSpec.volumes ?? []).entries()) {
    if (volume.hostPath) fail(`volumes[${i}].hostPath`, 'hostPath volumes are forbidden');
    const type = Object.keys(volume).find(key => key !== 'name');
    if (!type || !RESTRICTED_VOLUME_TYPES.includes(type)) fail(`volumes[${i}]`, `volume type ${type} is not allowed`);
  }
  for (const [key, value] of Object.entries(podAnnotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value === 'unconfined') fail(`annotations.${key}`, 'AppArmor must not be unconfined');
  }
  checkSeLinux(pod.seLinuxOptions, 'securityContext.seLinuxOptions', fail);
  if (pod.appArmorProfile?.type === 'Unconfined') fail('securityContext.appArmorProfile.type', 'must not be Unconfined');
  for (const [i, sysctl] of (pod.sysctls ?? []).entries()) {
    if (!SAFE_SYSCTLS.includes(sysctl.name)) fail(`securityContext.sysctls[${i}].name`, `${sysctl.name} is not a safe sysctl`);
  }

  // Restricted, pod level.
  if (pod.runAsUser === 0) fail('securityContext.runAsUser', 'must not be 0');
  const podSeccomp = pod.seccompProfile?.type;
  if (podSeccomp !== undefined && !PROFILE_TYPES.includes(podSeccomp)) fail('securityContext.seccompProfile.type', `${podSeccomp} is not RuntimeDefault or Localhost`);

  for (const [where, container] of containers) {
    const context = container.securityContext ?? {};
    const field = (name: string) => `${where}.securityContext.${name}`;
    if (context.windowsOptions?.hostProcess === true) fail(field('windowsOptions.hostProcess'), 'must not be true');
    if (context.privileged === true) fail(field('privileged'), 'must not be true');
    for (const [i, port] of (container.ports ?? []).entries()) {
      if (port.hostPort) fail(`${where}.ports[${i}].hostPort`, 'host ports are forbidden');
    }
    checkSeLinux(context.seLinuxOptions, field('seLinuxOptions'), fail);
    if (context.appArmorProfile?.type === 'Unconfined') fail(field('appArmorProfile.type'), 'must not be Unconfined');
    if (context.procMount !== undefined && context.procMount !== 'Default') fail(field('procMount'), 'must be Default');
    if (context.allowPrivilegeEscalation !== false) fail(field('allowPrivilegeEscalation'), 'must be false');
    if (context.runAsNonRoot === false || (context.runAsNonRoot !== true && pod.runAsNonRoot !== true)) {
      fail(field('runAsNonRoot'), 'must be true (here or at pod level)');
    }
    if (context.runAsUser === 0) fail(field('runAsUser'), 'must not be 0');
    const seccomp = context.seccompProfile?.type;
    if (seccomp !== undefined && !PROFILE_TYPES.includes(seccomp)) fail(field('seccompProfile.type'), `${seccomp} is not RuntimeDefault or Localhost`);
    if (seccomp === undefined && !PROFILE_TYPES.includes(podSeccomp)) fail(field('seccompProfile.type'), 'must be RuntimeDefault or Localhost (here or at pod level)');
    const drop: string[] = context.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) fail(field('capabilities.drop'), 'must include ALL');
    for (const capability of context.capabilities?.add ?? []) {
      if (capability !== 'NET_BIND_SERVICE') {
        fail(field('capabilities.add'), `${capability} may not be added${BASELINE_CAPABILITIES.includes(capability) ? ' (restricted allows only NET_BIND_SERVICE)' : ''}`);
      }
    }
  }
  return violations;
}

function checkSeLinux(options: Json, field: string, fail: (field: string, why: string) => void) {
  if (!options) return;
  if (options.type !== undefined && !SELINUX_TYPES.includes(options.type)) fail(`${field}.type`, `${options.type} is not allowed`);
  if (options.user !== undefined) fail(`${field}.user`, 'must not be set');
  if (options.role !== undefined) fail(`${field}.role`, 'must not be set');
}
