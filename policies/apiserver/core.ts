// Rules of kubernetes/kubernetes pkg/apis/core/validation/validation.go (Kubernetes 1.31)
// for what marquee renders: pod templates (containers, probes, ports, env, volumes,
// resources), Services, ConfigMaps, Secrets, PersistentVolumeClaims. Objects are checked
// as written, before the API server's defaulting: a field that defaulting fills in
// (imagePullPolicy, protocol, terminationGracePeriodSeconds, ...) is only checked when set.
import {
  arr, at, duplicate, forbidden, has, invalid, invalidAll, isObj, notFound, notSupported, quotedNumberHint, required, str,
  ValidateLabels, ValidateLabelSelector, ValidateLabelName, ValidateNonnegativeField, type Errs,
} from './lib/field.ts';
import { asDec, cmpDec, isIntegerQuantity, quantitySign, readQuantity, type Quantity } from '../../kube/quantity.ts';
import { closest } from '../../kube/closest.ts';
import {
  IsConfigMapKey, IsDNS1123Label, IsDNS1123Subdomain, IsEnvVarName, IsHTTPHeaderName, IsQualifiedName, IsValidCIDR,
  IsValidIP, IsValidPortName, IsValidPortNum, IsValidUserID, IsValidGroupID, IsInRange,
} from './lib/validation.ts';

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

// ---- resources (ValidateResourceRequirements, validateContainerResourceName)

/** pkg/apis/core/helper: standardResources */
const standardResources = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory',
  'limits.ephemeral-storage', 'pods', 'quotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePageResourceName = (n: string): boolean => n.startsWith('hugepages-');
/** IsStandardContainerResourceName */
export const IsStandardContainerResourceName = (n: string): boolean => standardContainerResources.has(n) || isHugePageResourceName(n);
/** IsNativeResource: unprefixed, or in the kubernetes.io/ namespace. */
const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/');
/** IsExtendedResourceName */
function isExtendedResourceName(n: string): boolean {
  if (isNativeResource(n) || n.startsWith('requests.')) return false;
  return IsQualifiedName(`requests.${n}`).length === 0;
}
const integerResources = new Set(['pods', 'quotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);
const isIntegerResourceName = (n: string): boolean => integerResources.has(n) || isExtendedResourceName(n);
const isOvercommitAllowed = (n: string): boolean => isNativeResource(n) && !isHugePageResourceName(n);


/** validateResourceName + validateContainerResourceName: one error per resource name. */
export function validateContainerResourceName(name: string, path: string): Errs {
  const q = IsQualifiedName(name);
  if (q.length) return [invalid(path, name, q.join('; '), 'validateResourceName')];
  if (!name.includes('/')) {
    if (!IsStandardContainerResourceName(name)) {
      const msgs = standardResources.has(name) ? ['must be a standard resource for containers'] : ['must be a standard resource type or fully qualified', 'must be a standard resource for containers'];
      return [invalid(path, name, msgs.join('; '), 'validateContainerResourceName', resourceNameHint(name))];
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [invalid(path, name, "doesn't follow extended resource name standard", 'validateContainerResourceName', resourceNameHint(name))];
  }
  return [];
}

/** The fix for a resource name a container may not request (worked out for an error only: most names are valid). */
function resourceNameHint(name: string): string {
  const near = closest(name, ['cpu', 'memory', 'ephemeral-storage']);
  return near ? `did you mean "${near}"? A container may request cpu, memory, ephemeral-storage, hugepages-<size> or a vendor-prefixed extended resource (example.com/gpu)` : 'use cpu, memory, ephemeral-storage, hugepages-<size>, or a vendor-prefixed extended resource (example.com/gpu)';
}

/** ValidateResourceRequirements (container form): names, non-negative quantities, requests <= limits. */
export function ValidateResourceRequirements(res: unknown, path: string): Errs {
  if (!isObj(res)) return [];
  const out: Errs = [];
  const limits = isObj(res.limits) ? res.limits : {};
  const requests = isObj(res.requests) ? res.requests : {};
  const limPath = at(path, 'limits');
  const reqPath = at(path, 'requests');
  // each limit read once: a request is compared with the limit of its name
  let limitQuantities: Map<string, Quantity | undefined> | undefined;
  for (const name of Object.keys(limits)) {
    const v = limits[name];
    const p = at(limPath, name);
    const nameErrs = validateContainerResourceName(name, p);
    if (nameErrs.length) {
      out.push(...nameErrs);
      continue;
    }
    const q = readQuantity(v);
    (limitQuantities ??= new Map()).set(name, q);
    quantityErrs(out, name, v, q, p);
  }
  for (const name of Object.keys(requests)) {
    const v = requests[name];
    const p = at(reqPath, name);
    const nameErrs = validateContainerResourceName(name, p);
    if (nameErrs.length) {
      out.push(...nameErrs);
      continue;
    }
    const req = readQuantity(v);
    quantityErrs(out, name, v, req, p);
    const lim = limitQuantities?.has(name) ? limitQuantities.get(name) : name in limits ? readQuantity(limits[name]) : undefined;
    if (!req || !lim) continue;
    const c = cmpDec(asDec(req), asDec(lim));
    const [reqText, limText] = [String(v), String(limits[name])];
    // Upstream reports this on `resources.requests`; we point at the request the author wrote.
    if (c !== 0 && !isOvercommitAllowed(name))
      out.push(invalid(p, reqText, `must be equal to ${name} limit of ${limText}`, 'ValidateResourceRequirements', `set the ${name} request equal to its limit`));
    else if (c > 0)
      out.push({
        ...invalid(p, reqText, `must be less than or equal to ${name} limit of ${limText}`, 'ValidateResourceRequirements', `lower the ${name} request to at most ${limText}, or raise the limit`),
        summary: `${name} request ${reqText} exceeds limit ${limText}`,
      });
  }
  return out;
}

/** ValidateResourceQuantityValue of `v` (read as `q`) at `p`. */
function quantityErrs(out: Errs, name: string, v: unknown, q: Quantity | undefined, p: string): void {
  if (!q) return; // not a quantity: the schema step reports it
  if (quantitySign(q) < 0) out.push(invalid(p, String(v), 'must be greater than or equal to 0', 'ValidateResourceQuantityValue'));
  else if (isIntegerResourceName(name) && !isIntegerQuantity(q)) out.push(invalid(p, String(v), 'must be an integer', 'ValidateResourceQuantityValue'));
}

// ---- probes and handlers

/** ValidatePortNumOrName */
export function ValidatePortNumOrName(port: unknown, path: string, fn = 'ValidatePortNumOrName'): Errs {
  if (typeof port === 'number') return invalidAll(path, port, IsValidPortNum(port), fn);
  // A quoted number stays a string (intstr.IntOrString.UnmarshalJSON: a value starting with '"' is Type String),
  // and a string is judged as a port name.
  if (typeof port === 'string') {
    const msgs = IsValidPortName(port);
    // the fix is worked out for an error only: most ports are valid names
    if (msgs.length) return [invalid(path, port, msgs.join('; '), fn, quotedNumberHint(port, 'port name') ?? 'a port name is at most 15 characters of [a-z0-9-] with at least one letter')];
  }
  return [];
}

const handlerKinds = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] as const;

/** validateHandler: exactly one handler type, each valid. */
export function validateHandler(h: Record<string, any>, path: string, allowed: readonly string[], gracePeriod: number | undefined): Errs {
  const out: Errs = [];
  let n = 0;
  for (const kind of handlerKinds) {
    if (!allowed.includes(kind) || !has(h[kind])) continue;
    const p = at(path, kind);
    if (n > 0) {
      out.push(forbidden(p, 'may not specify more than 1 handler type', 'validateHandler', `keep one of ${allowed.filter((k) => has(h[k])).join(' and ')}: a probe or handler has exactly one action`));
      continue;
    }
    n++;
    const v = h[kind];
    if (kind === 'exec' && !arr(v?.command).length) out.push(required(at(p, 'command'), '', 'validateExecAction'));
    if (kind === 'httpGet') {
      // httpGet.path defaults to "/", so validateHTTPGetAction's Required never fires for a manifest.
      out.push(...ValidatePortNumOrName(v?.port, at(p, 'port'), 'validateHTTPGetAction'));
      if (has(v?.scheme) && !['HTTP', 'HTTPS'].includes(v.scheme)) out.push(notSupported(at(p, 'scheme'), v.scheme, ['HTTP', 'HTTPS'], 'validateHTTPGetAction'));
      arr(v?.httpHeaders).forEach((hd: any, i: number) => out.push(...invalidAll(at(at(p, 'httpHeaders'), i), str(hd?.name), IsHTTPHeaderName(str(hd?.name)), 'validateHTTPGetAction')));
    }
    if (kind === 'tcpSocket') out.push(...ValidatePortNumOrName(v?.port, at(p, 'port'), 'validateTCPSocketAction'));
    if (kind === 'grpc') out.push(...ValidatePortNumOrName(v?.port, at(p, 'port'), 'validateGRPCAction'));
    if (kind === 'sleep' && gracePeriod !== undefined && typeof v?.seconds === 'number' && (v.seconds <= 0 || v.seconds > gracePeriod))
      out.push(invalid(at(p, 'seconds'), v.seconds, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod})`, 'validateSleepAction'));
  }
  if (n === 0) out.push(required(path, 'must specify a handler type', 'validateHandler', `set one of ${allowed.join(', ')}`));
  return out;
}

/** validateProbe (+ validateLivenessProbe / validateReadinessProbe / validateStartupProbe) */
export function validateProbe(probe: unknown, path: string, which: 'liveness' | 'readiness' | 'startup', gracePeriod: number | undefined): Errs {
  if (!isObj(probe)) return [];
  const out: Errs = [...validateHandler(probe, path, ['exec', 'httpGet', 'tcpSocket', 'grpc'], gracePeriod)];
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) out.push(...ValidateNonnegativeField(probe[f], at(path, f)));
  if (typeof probe.terminationGracePeriodSeconds === 'number' && probe.terminationGracePeriodSeconds <= 0)
    out.push(invalid(at(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0', 'validateProbe'));
  if (which !== 'readiness' && has(probe.successThreshold) && probe.successThreshold !== 1)
    out.push(invalid(at(path, 'successThreshold'), probe.successThreshold, 'must be 1', which === 'liveness' ? 'validateLivenessProbe' : 'validateStartupProbe', 'liveness and startup probes need successThreshold 1 (or leave it unset)'));
  if (which === 'readiness' && has(probe.terminationGracePeriodSeconds))
    out.push(invalid(at(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes', 'validateReadinessProbe'));
  return out;
}

function validateLifecycle(lc: unknown, path: string, gracePeriod: number | undefined): Errs {
  if (!isObj(lc)) return [];
  const out: Errs = [];
  for (const h of ['postStart', 'preStop']) if (isObj(lc[h])) out.push(...validateHandler(lc[h], at(path, h), ['exec', 'httpGet', 'tcpSocket', 'sleep'], gracePeriod));
  return out;
}

// ---- ports, env, mounts

/** validateContainerPorts */
export function validateContainerPorts(ports: unknown, path: string): Errs {
  const out: Errs = [];
  const names = new Set<string>();
  arr(ports).forEach((port: any, i: number) => {
    const p = at(path, i);
    if (has(port?.name) && str(port.name).length > 0) {
      const msgs = IsValidPortName(str(port.name));
      if (msgs.length) out.push(invalid(at(p, 'name'), port.name, msgs.join('; '), 'validateContainerPorts', 'container port names are IANA service names: at most 15 characters of [a-z0-9-], at least one letter'));
      else if (names.has(port.name)) out.push(duplicate(at(p, 'name'), port.name, 'validateContainerPorts'));
      else names.add(port.name);
    }
    if (!has(port?.containerPort) || port.containerPort === 0) out.push(required(at(p, 'containerPort'), '', 'validateContainerPorts'));
    else if (typeof port.containerPort === 'number') out.push(...invalidAll(at(p, 'containerPort'), port.containerPort, IsValidPortNum(port.containerPort), 'validateContainerPorts'));
    if (typeof port?.hostPort === 'number' && port.hostPort !== 0) out.push(...invalidAll(at(p, 'hostPort'), port.hostPort, IsValidPortNum(port.hostPort), 'validateContainerPorts'));
    if (has(port?.protocol) && !supportedPortProtocols.includes(port.protocol)) out.push(notSupported(at(p, 'protocol'), port.protocol, supportedPortProtocols, 'validateContainerPorts'));
  });
  return out;
}

const validEnvFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const validResourceFieldPaths = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];

/**
 * validateObjectFieldSelector: a fieldPath among `expressions`, or a label's or an annotation's by its key (a
 * qualified name; an annotation's in any case). The apiVersion is defaulted to v1 before validation.
 */
function validateObjectFieldSelector(fs: Record<string, any>, expressions: readonly string[], path: string): Errs {
  const fn = 'validateObjectFieldSelector';
  const fp = str(fs.fieldPath);
  if (!fp) return [required(at(path, 'fieldPath'), '', fn)];
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fp);
  if (m) return invalidAll(path, m[2], IsQualifiedName(m[1] === 'annotations' ? m[2]!.toLowerCase() : m[2]!), fn);
  return expressions.includes(fp) ? [] : [notSupported(at(path, 'fieldPath'), fp, expressions, fn)];
}

/** validateContainerResourceFieldSelector: a resource of validResourceFieldPaths or a hugepages one; a volume's names its container. */
function validateContainerResourceFieldSelector(fs: Record<string, any>, path: string, volume: boolean): Errs {
  const fn = 'validateContainerResourceFieldSelector';
  const out: Errs = [];
  if (volume && !str(fs.containerName)) out.push(required(at(path, 'containerName'), '', fn, 'a downwardAPI file names the container whose resources it reads'));
  const r = str(fs.resource);
  if (!r) out.push(required(at(path, 'resource'), '', fn));
  else if (!validResourceFieldPaths.includes(r) && !/^(requests|limits)\.hugepages-/.test(r)) out.push(notSupported(at(path, 'resource'), r, validResourceFieldPaths, fn));
  return out;
}

/** validVolumeDownwardAPIFieldPathExpressions */
const validVolumeFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

/** ValidateEnv + validateEnvVarValueFrom */
export function ValidateEnv(env: unknown, path: string): Errs {
  const out: Errs = [];
  const list = arr(env);
  // a variable's paths only for a finding: a container may have dozens of variables, most of them valid
  for (let i = 0; i < list.length; i++) {
    const ev = list[i];
    if (!str(ev?.name)) out.push(required(at(at(path, i), 'name'), '', 'ValidateEnv'));
    else {
      const msgs = IsEnvVarName(ev.name);
      if (msgs.length) out.push(invalid(at(at(path, i), 'name'), ev.name, msgs.join('; '), 'ValidateEnv'));
    }
    if (isObj(ev?.valueFrom)) out.push(...validateEnvVarValueFrom(ev, at(at(path, i), 'valueFrom')));
  }
  return out;
}

export function validateEnvVarValueFrom(ev: any, path: string): Errs {
  const vf = ev?.valueFrom;
  if (!isObj(vf)) return [];
  const out: Errs = [];
  let n = 0;
  if (isObj(vf.fieldRef)) {
    n++;
    out.push(...validateObjectFieldSelector(vf.fieldRef, validEnvFieldPaths, at(path, 'fieldRef')));
  }
  if (isObj(vf.resourceFieldRef)) {
    n++;
    out.push(...validateContainerResourceFieldSelector(vf.resourceFieldRef, at(path, 'resourceFieldRef'), false));
  }
  if (validateKeySelector(out, vf, path, 'configMapKeyRef', 'validateConfigMapKeySelector')) n++;
  if (validateKeySelector(out, vf, path, 'secretKeyRef', 'validateSecretKeySelector')) n++;
  if (n === 0) out.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`', 'validateEnvVarValueFrom'));
  else if (str(ev.value).length) out.push(invalid(path, '', 'may not be specified when `value` is not empty', 'validateEnvVarValueFrom', 'set either value or valueFrom, not both'));
  else if (n > 1) out.push(invalid(path, '', 'may not have more than one field specified at a time', 'validateEnvVarValueFrom', 'keep one source in valueFrom'));
  return out;
}

/**
 * validateConfigMapKeySelector or validateSecretKeySelector of `valueFrom[k]`, when set (and then true). Most variables of
 * a pod are read from keys like these, so their paths are made for a finding only.
 */
function validateKeySelector(out: Errs, vf: Record<string, any>, path: string, k: 'configMapKeyRef' | 'secretKeyRef', fn: string): boolean {
  const ref = vf[k];
  if (!isObj(ref)) return false;
  const name = str(ref.name);
  const nameMsgs = IsDNS1123Subdomain(name);
  if (nameMsgs.length) out.push(invalid(at(at(path, k), 'name'), name, nameMsgs.join('; '), fn));
  if (!str(ref.key)) out.push(required(at(at(path, k), 'key'), '', fn));
  else {
    const keyMsgs = IsConfigMapKey(ref.key);
    if (keyMsgs.length) out.push(invalid(at(at(path, k), 'key'), ref.key, keyMsgs.join('; '), fn));
  }
  return true;
}

/** ValidateEnvFrom */
export function ValidateEnvFrom(envFrom: unknown, path: string): Errs {
  const out: Errs = [];
  arr(envFrom).forEach((ev: any, i: number) => {
    const p = at(path, i);
    if (str(ev?.prefix)) out.push(...invalidAll(at(p, 'prefix'), ev.prefix, IsEnvVarName(ev.prefix), 'ValidateEnvFrom'));
    const sources = ['configMapRef', 'secretRef'].filter((k) => isObj(ev?.[k]));
    for (const k of sources) {
      const name = str(ev[k].name);
      if (!name) out.push(required(at(at(p, k), 'name'), '', 'ValidateEnvFrom'));
      else out.push(...invalidAll(at(at(p, k), 'name'), name, IsDNS1123Subdomain(name), 'ValidateEnvFrom'));
    }
    // Upstream reports these on the list path; we point at the entry.
    if (!sources.length) out.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`', 'ValidateEnvFrom'));
    else if (sources.length > 1) out.push(invalid(p, '', 'may not have more than one field specified at a time', 'ValidateEnvFrom'));
  });
  return out;
}

function validateLocalDescendingPath(given: string, path: string, fn: string): Errs {
  // a number where a path belongs is the schema's finding; here it is judged as the text it would be
  const p = typeof given === 'string' ? given : String(given);
  const out: Errs = [];
  if (p.startsWith('/')) out.push(invalid(path, p, 'must be a relative path', fn));
  // a '..' segment, found without splitting
  if (p === '..' || p.startsWith('../') || p.endsWith('/..') || p.includes('/../')) out.push(invalid(path, p, "must not contain '..'", fn));
  return out;
}

/** ValidateVolumeMounts */
export function ValidateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, path: string): Errs {
  const out: Errs = [];
  const mountpoints = new Set<string>();
  arr(mounts).forEach((m: any, i: number) => {
    const p = at(path, i);
    const name = str(m?.name);
    if (!name) out.push(required(at(p, 'name'), '', 'ValidateVolumeMounts'));
    else if (!volumes.has(name))
      out.push(notFound(at(p, 'name'), name, 'ValidateVolumeMounts', volumes.size ? `declare volume "${name}" in the pod's volumes, or mount one of: ${[...volumes].join(', ')}` : `declare volume "${name}" in the pod's volumes`));
    const mp = str(m?.mountPath);
    if (!mp) out.push(required(at(p, 'mountPath'), '', 'ValidateVolumeMounts'));
    else if (mountpoints.has(mp)) out.push(invalid(at(p, 'mountPath'), mp, 'must be unique', 'ValidateVolumeMounts'));
    mountpoints.add(mp);
    if (str(m?.subPath)) out.push(...validateLocalDescendingPath(m.subPath, at(p, 'subPath'), 'ValidateVolumeMounts'));
    if (str(m?.subPathExpr)) {
      if (str(m?.subPath)) out.push(invalid(at(p, 'subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive', 'ValidateVolumeMounts'));
      out.push(...validateLocalDescendingPath(m.subPathExpr, at(p, 'subPathExpr'), 'ValidateVolumeMounts'));
    }
    if (has(m?.mountPropagation) && !['None', 'HostToContainer', 'Bidirectional'].includes(m.mountPropagation))
      out.push(notSupported(at(p, 'mountPropagation'), m.mountPropagation, ['Bidirectional', 'HostToContainer', 'None'], 'validateMountPropagation'));
  });
  return out;
}

// ---- volumes

/**
 * The volume sources in validateVolumeSource's order: the first one a volume sets is validated, each later one is
 * "may not specify more than 1 volume type" (validation.go; its path for a second downwardAPI is spelt `downwarAPI`
 * there, here the field as written).
 */
const volumeSourceTypes = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker',
  'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
];

const volumeSources: ReadonlySet<string> = new Set(volumeSourceTypes);

/** How many of volumeSourceTypes `v` sets. */
function volumeSourceCount(v: any): number {
  if (!v || typeof v !== 'object') return 0;
  let n = 0;
  for (const k of Object.keys(v)) if (volumeSources.has(k) && has(v[k])) n++;
  return n;
}

/** The checks of the sources ported (validate<Source>VolumeSource), by the field that sets the source. */
const sourceChecks: Readonly<Record<string, (source: Record<string, any>, path: string) => Errs>> = {
  hostPath: validateHostPathVolumeSource,
  secret: validateSecretVolumeSource,
  persistentVolumeClaim: (s, p) => (str(s.claimName) ? [] : [required(at(p, 'claimName'), '', 'validatePersistentClaimVolumeSource')]),
  downwardAPI: validateDownwardAPIVolumeSource,
  configMap: validateConfigMapVolumeSource,
  projected: validateProjectedVolumeSource,
};

/** ValidateVolumes + validateVolumeSource (one source per volume, names unique DNS-1123 labels). */
export function ValidateVolumes(volumes: unknown, path: string): { names: Set<string>; errs: Errs } {
  const names = new Set<string>();
  const out: Errs = [];
  arr(volumes).forEach((v: any, i: number) => {
    const p = at(path, i);
    const name = str(v?.name);
    if (!name) out.push(required(at(p, 'name'), '', 'ValidateVolumes'));
    else {
      out.push(...invalidAll(at(p, 'name'), name, IsDNS1123Label(name), 'ValidateVolumes'));
      if (names.has(name)) out.push(duplicate(at(p, 'name'), name, 'ValidateVolumes'));
    }
    if (name) names.add(name);
    // the sources set, in validateVolumeSource's order: the first is the volume's, and its own checks run
    const set = volumeSourceCount(v) ? volumeSourceTypes.filter((t) => has(v[t])) : [];
    if (!set.length) out.push(required(p, 'must specify a volume type', 'validateVolumeSource'));
    const [first, ...more] = set;
    if (first !== undefined && isObj(v[first])) out.push(...(sourceChecks[first]?.(v[first], at(p, first)) ?? []));
    for (const t of more) out.push(forbidden(at(p, t), 'may not specify more than 1 volume type', 'validateVolumeSource'));
  });
  return { names, errs: out };
}

// ---- the volume sources with files (pkg/apis/core/validation/validation.go, v1.31): their file modes, the keys and
// paths of their items, and what each source must name

const fileModeErrorMsg = 'must be a number between 0 and 0777 (octal), both inclusive';
const fileModeHint = 'write the mode in octal with its leading 0 (0644, 0400) or as its decimal value (420, 256): YAML reads 644 as six hundred and forty-four';

/** A defaultMode or mode outside 0..0777 (a non-number is the schema step's finding). */
function fileMode(mode: unknown, path: string, fn: string): Errs {
  return typeof mode === 'number' && (mode > 0o777 || mode < 0) ? [invalid(path, mode, fileModeErrorMsg, fn, fileModeHint)] : [];
}

/** validateLocalNonReservedPath: relative, no '..' element, not starting with '..'. */
function validateLocalNonReservedPath(given: unknown, path: string, fn: string): Errs {
  const p = typeof given === 'string' ? given : String(given);
  const out = validateLocalDescendingPath(p, path, fn);
  // not reported twice where the '..' element check already caught it
  if (p.startsWith('..') && !p.startsWith('../')) out.push(invalid(path, p, "must not start with '..'", fn));
  return out;
}

/** validateKeyToPath: key and path given, the path local, the mode a file mode. */
function validateKeyToPath(kp: any, path: string): Errs {
  const fn = 'validateKeyToPath';
  const out: Errs = [];
  if (!str(kp?.key)) out.push(required(at(path, 'key'), '', fn));
  if (!str(kp?.path)) out.push(required(at(path, 'path'), '', fn));
  else out.push(...validateLocalNonReservedPath(kp.path, at(path, 'path'), fn));
  out.push(...fileMode(kp?.mode, at(path, 'mode'), fn));
  return out;
}

/** validateConfigMapVolumeSource */
function validateConfigMapVolumeSource(cm: Record<string, any>, path: string): Errs {
  const fn = 'validateConfigMapVolumeSource';
  const out: Errs = [];
  if (!str(cm.name)) out.push(required(at(path, 'name'), '', fn, 'name the ConfigMap whose keys become the files'));
  out.push(...fileMode(cm.defaultMode, at(path, 'defaultMode'), fn));
  arr(cm.items).forEach((kp: any, i: number) => out.push(...validateKeyToPath(kp, at(at(path, 'items'), i))));
  return out;
}

/** validateSecretVolumeSource */
function validateSecretVolumeSource(secret: Record<string, any>, path: string): Errs {
  const fn = 'validateSecretVolumeSource';
  const out: Errs = [];
  // `name:` written for secretName is one mistake: the schema step's unknown field "name" (known fields: … secretName)
  if (!str(secret.secretName) && !has(secret.name)) out.push(required(at(path, 'secretName'), '', fn, 'name the Secret in secretName'));
  out.push(...fileMode(secret.defaultMode, at(path, 'defaultMode'), fn));
  arr(secret.items).forEach((kp: any, i: number) => out.push(...validateKeyToPath(kp, at(at(path, 'items'), i))));
  return out;
}

/**
 * validateDownwardAPIVolumeFile: a local path, one of fieldRef (a field a volume may name) and resourceFieldRef (with
 * its container), a file mode. `path` is the volume source's (upstream names the file's errors there).
 */
function validateDownwardAPIVolumeFile(file: any, path: string): Errs {
  const fn = 'validateDownwardAPIVolumeFile';
  const out: Errs = [];
  if (!str(file?.path)) out.push(required(at(path, 'path'), '', fn));
  else out.push(...validateLocalNonReservedPath(file.path, at(path, 'path'), fn));
  if (has(file?.fieldRef)) {
    if (isObj(file.fieldRef)) out.push(...validateObjectFieldSelector(file.fieldRef, validVolumeFieldPaths, at(path, 'fieldRef')));
    if (has(file.resourceFieldRef)) out.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously', fn));
  } else if (isObj(file?.resourceFieldRef)) out.push(...validateContainerResourceFieldSelector(file.resourceFieldRef, at(path, 'resourceFieldRef'), true));
  else if (!has(file?.resourceFieldRef)) out.push(required(path, 'one of fieldRef and resourceFieldRef is required', fn));
  out.push(...fileMode(file?.mode, at(path, 'mode'), fn));
  return out;
}

/** validateDownwardAPIVolumeSource */
function validateDownwardAPIVolumeSource(d: Record<string, any>, path: string): Errs {
  const out = fileMode(d.defaultMode, at(path, 'defaultMode'), 'validateDownwardAPIVolumeSource');
  for (const file of arr(d.items)) out.push(...validateDownwardAPIVolumeFile(file, path));
  return out;
}

/** validateProjectedVolumeSource and validateProjectionSources: one source each, names, items, paths once, token lifetimes. */
function validateProjectedVolumeSource(projected: Record<string, any>, path: string): Errs {
  const out = fileMode(projected.defaultMode, at(path, 'defaultMode'), 'validateProjectedVolumeSource');
  const fn = 'validateProjectionSources';
  const paths = new Set<string>();
  /** a path of the volume's files met again: upstream quotes the source's name (or the path, for downwardAPI) */
  const once = (file: string, quoted: unknown) => {
    if (paths.has(file)) out.push(invalid(path, quoted, 'conflicting duplicate paths', fn, `give each file of the projected volume its own path (${file} twice)`));
    paths.add(file);
  };
  arr(projected.sources).forEach((source: any, i: number) => {
    const sp = at(at(path, 'sources'), i);
    let sources = 0;
    for (const t of ['secret', 'configMap'] as const) {
      if (!has(source?.[t])) continue;
      sources++;
      const s = isObj(source[t]) ? source[t] : {};
      if (!str(s.name)) out.push(required(at(at(sp, t), 'name'), '', fn));
      arr(s.items).forEach((kp: any, j: number) => {
        out.push(...validateKeyToPath(kp, at(at(at(sp, t), 'items'), j)));
        if (str(kp?.path)) once(kp.path, s.name);
      });
    }
    if (has(source?.downwardAPI)) {
      sources++;
      for (const file of arr(source.downwardAPI?.items)) {
        out.push(...validateDownwardAPIVolumeFile(file, at(sp, 'downwardAPI')));
        if (str(file?.path)) once(file.path, file.path);
      }
    }
    if (has(source?.serviceAccountToken)) {
      sources++;
      const t = isObj(source.serviceAccountToken) ? source.serviceAccountToken : {};
      // defaulted to 3600 before validation when not given
      const seconds = typeof t.expirationSeconds === 'number' ? t.expirationSeconds : 3600;
      const ep = at(at(sp, 'serviceAccountToken'), 'expirationSeconds');
      if (seconds < 600) out.push(invalid(ep, seconds, 'may not specify a duration less than 10 minutes', fn));
      if (seconds > 2 ** 32) out.push(invalid(ep, seconds, 'may not specify a duration larger than 2^32 seconds', fn));
      // upstream names the projected volume's path here, not the token's
      if (!str(t.path)) out.push(required(at(path, 'path'), '', fn, 'give the token a path (the file it is written to)'));
    }
    // a clusterTrustBundle source (its own checks are not ported) counts as one too
    if (has(source?.clusterTrustBundle)) sources++;
    if (sources > 1) out.push(forbidden(sp, 'may not specify more than 1 volume type', fn));
  });
  return out;
}

/** supportedHostPathTypes, sorted as sets.List gives them (the empty string is unset) */
const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

/** validateHostPathVolumeSource: a path given, without '..' elements (an absolute path is what it is for), a known type. */
function validateHostPathVolumeSource(hp: Record<string, any>, path: string): Errs {
  const fn = 'validateHostPathVolumeSource';
  if (!str(hp.path)) return [required(at(path, 'path'), '', fn)];
  const out = validateLocalDescendingPath(hp.path, at(path, 'path'), fn).filter((e) => e.detail !== 'must be a relative path');
  if (has(hp.type) && !hostPathTypes.includes(hp.type)) out.push(notSupported(at(path, 'type'), hp.type, hostPathTypes, 'validateHostPathType'));
  return out;
}

// ---- pod spec

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

function validateContainerCommon(c: any, p: string, volumes: ReadonlySet<string>): Errs {
  const out: Errs = [];
  if (!str(c?.name)) out.push(required(at(p, 'name'), '', 'validateContainerCommon'));
  else out.push(...invalidAll(at(p, 'name'), c.name, IsDNS1123Label(c.name), 'validateContainerCommon', 'container names are DNS-1123 labels: lower-case letters, digits and -, at most 63 characters'));
  if (!str(c?.image)) out.push(required(at(p, 'image'), '', 'validateContainerCommon'));
  if (has(c?.terminationMessagePolicy) && !['File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy))
    out.push(notSupported(at(p, 'terminationMessagePolicy'), c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError'], 'validateContainerCommon'));
  // each list or section only when the container has it (the checks find nothing in one it lacks): no path for the rest
  if (Array.isArray(c?.ports)) out.push(...validateContainerPorts(c.ports, at(p, 'ports')));
  if (Array.isArray(c?.env)) out.push(...ValidateEnv(c.env, at(p, 'env')));
  if (Array.isArray(c?.envFrom)) out.push(...ValidateEnvFrom(c.envFrom, at(p, 'envFrom')));
  if (Array.isArray(c?.volumeMounts)) out.push(...ValidateVolumeMounts(c.volumeMounts, volumes, at(p, 'volumeMounts')));
  if (has(c?.imagePullPolicy) && !pullPolicies.includes(c.imagePullPolicy)) out.push(notSupported(at(p, 'imagePullPolicy'), c.imagePullPolicy, pullPolicies, 'validatePullPolicy'));
  if (isObj(c?.resources)) out.push(...ValidateResourceRequirements(c.resources, at(p, 'resources')));
  if (isObj(c?.securityContext)) out.push(...ValidateSecurityContext(c.securityContext, at(p, 'securityContext')));
  return out;
}

function ValidateSecurityContext(sc: unknown, p: string): Errs {
  if (!isObj(sc)) return [];
  const out: Errs = [];
  if (typeof sc.runAsUser === 'number') out.push(...invalidAll(at(p, 'runAsUser'), sc.runAsUser, IsValidUserID(sc.runAsUser), 'ValidateSecurityContext'));
  if (typeof sc.runAsGroup === 'number') out.push(...invalidAll(at(p, 'runAsGroup'), sc.runAsGroup, IsValidGroupID(sc.runAsGroup), 'ValidateSecurityContext'));
  if (sc.allowPrivilegeEscalation === false && sc.privileged === true)
    out.push(invalid(p, '', 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true', 'ValidateSecurityContext'));
  if (sc.allowPrivilegeEscalation === false && arr(sc.capabilities?.add).includes('CAP_SYS_ADMIN'))
    out.push(invalid(p, '', 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN', 'ValidateSecurityContext'));
  return out;
}

/** validateContainers and validateInitContainers: unique names across both lists, probes and handlers. */
function validateContainers(spec: Record<string, any>, path: string, volumes: ReadonlySet<string>, gracePeriod: number | undefined): Errs {
  const out: Errs = [];
  const containers = arr(spec.containers);
  if (!containers.length) out.push(required(at(path, 'containers'), '', 'validateContainers'));
  const names = new Set<string>();
  containers.forEach((c: any, i: number) => {
    const p = at(at(path, 'containers'), i);
    out.push(...validateContainerCommon(c, p, volumes));
    if (names.has(c?.name)) out.push(duplicate(at(p, 'name'), c?.name, 'validateContainers', 'container names must be unique in a pod (containers and initContainers together)'));
    else names.add(c?.name);
    out.push(...validateHandlers(c, p, gracePeriod));
    if (has(c?.restartPolicy)) out.push(forbidden(at(p, 'restartPolicy'), 'may not be set for non-init containers', 'validateContainers'));
  });
  // checkHostPortConflicts: across regular containers; each init container on its own (they run one by one).
  out.push(...AccumulateUniqueHostPorts(containers, at(path, 'containers'), new Set()));
  arr(spec.initContainers).forEach((c: any, i: number) => out.push(...AccumulateUniqueHostPorts([c], at(path, 'initContainers'), new Set(), i)));
  arr(spec.initContainers).forEach((c: any, i: number) => {
    const p = at(at(path, 'initContainers'), i);
    out.push(...validateContainerCommon(c, p, volumes));
    const sidecar = c?.restartPolicy === 'Always';
    if (has(c?.restartPolicy) && !sidecar) out.push(notSupported(at(p, 'restartPolicy'), c.restartPolicy, ['Always'], 'validateInitContainerRestartPolicy'));
    if (names.has(c?.name)) out.push(duplicate(at(p, 'name'), c?.name, 'validateInitContainers', 'container names must be unique in a pod (containers and initContainers together)'));
    else if (str(c?.name)) names.add(c.name);
    if (sidecar) out.push(...validateHandlers(c, p, gracePeriod));
    else
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (has(c?.[f])) out.push(forbidden(at(p, f), 'may not be set for init containers without restartPolicy=Always', 'validateInitContainers'));
  });
  return out;
}

/** A container's lifecycle handlers and probes, those it has (validateLifecycle and validateProbe find nothing in the others). */
function validateHandlers(c: any, p: string, gracePeriod: number | undefined): Errs {
  const out: Errs = [];
  if (isObj(c?.lifecycle)) out.push(...validateLifecycle(c.lifecycle, at(p, 'lifecycle'), gracePeriod));
  if (isObj(c?.livenessProbe)) out.push(...validateProbe(c.livenessProbe, at(p, 'livenessProbe'), 'liveness', gracePeriod));
  if (isObj(c?.readinessProbe)) out.push(...validateProbe(c.readinessProbe, at(p, 'readinessProbe'), 'readiness', gracePeriod));
  if (isObj(c?.startupProbe)) out.push(...validateProbe(c.startupProbe, at(p, 'startupProbe'), 'startup', gracePeriod));
  return out;
}

/** AccumulateUniqueHostPorts: a (protocol, hostIP, hostPort) may be taken once. */
export function AccumulateUniqueHostPorts(containers: readonly any[], path: string, seen: Set<string>, offset = 0): Errs {
  const out: Errs = [];
  containers.forEach((c: any, ci: number) =>
    arr(c?.ports).forEach((port: any, pi: number) => {
      if (!port?.hostPort) return;
      const k = `${port.protocol ?? 'TCP'}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(k)) out.push(duplicate(at(at(at(path, ci + offset), 'ports'), pi) + '.hostPort', k, 'AccumulateUniqueHostPorts'));
      seen.add(k);
    }),
  );
  return out;
}

/** ValidateTolerations */
function ValidateTolerations(tols: unknown, path: string): Errs {
  const out: Errs = [];
  arr(tols).forEach((t: any, i: number) => {
    const p = at(path, i);
    const k = str(t?.key);
    if (k) out.push(...ValidateLabelName(k, at(p, 'key')));
    const op = t?.operator ?? '';
    if (!k && op !== 'Exists') out.push(invalid(at(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"', 'ValidateTolerations'));
    if (has(t?.tolerationSeconds) && t?.effect !== 'NoExecute') out.push(invalid(at(p, 'effect'), t?.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set", 'ValidateTolerations'));
    if (op === 'Equal' || op === '') {
      /* label value checked below */
    } else if (op === 'Exists') {
      if (str(t?.value)) out.push(invalid(at(p, 'operator'), t.value, "value must be empty when `operator` is 'Exists'", 'ValidateTolerations'));
    } else out.push(notSupported(at(p, 'operator'), op, ['Equal', 'Exists'], 'ValidateTolerations'));
    if (has(t?.effect) && str(t.effect) && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect))
      out.push(notSupported(at(p, 'effect'), t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], 'validateTaintEffect'));
  });
  return out;
}

/** validateTopologySpreadConstraints (the fields a manifest sets) */
function validateTopologySpreadConstraints(tscs: unknown, path: string): Errs {
  const out: Errs = [];
  arr(tscs).forEach((c: any, i: number) => {
    const p = at(path, i);
    if (typeof c?.maxSkew === 'number' && c.maxSkew <= 0) out.push(invalid(at(p, 'maxSkew'), c.maxSkew, 'must be greater than zero', 'validateTopologySpreadConstraints'));
    if (!str(c?.topologyKey)) out.push(required(at(p, 'topologyKey'), 'can not be empty', 'validateTopologySpreadConstraints'));
    else out.push(...ValidateLabelName(c.topologyKey, at(p, 'topologyKey')));
    if (has(c?.whenUnsatisfiable) && !['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable))
      out.push(notSupported(at(p, 'whenUnsatisfiable'), c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway'], 'validateTopologySpreadConstraints'));
    if (typeof c?.minDomains === 'number' && c.minDomains <= 0) out.push(invalid(at(p, 'minDomains'), c.minDomains, 'must be greater than zero', 'validateTopologySpreadConstraints'));
    out.push(...ValidateLabelSelector(c?.labelSelector, at(p, 'labelSelector')));
  });
  return out;
}

/** ValidatePodSpec, the parts a manifest in Git sets. */
export function ValidatePodSpec(spec: Record<string, any>, path: string): Errs {
  const out: Errs = [];
  const grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  const vols = ValidateVolumes(spec.volumes, at(path, 'volumes'));
  out.push(...vols.errs);
  out.push(...validateContainers(spec, path, vols.names, grace));
  if (has(spec.restartPolicy) && !['Always', 'OnFailure', 'Never'].includes(spec.restartPolicy))
    out.push(notSupported(at(path, 'restartPolicy'), spec.restartPolicy, ['Always', 'OnFailure', 'Never'], 'validateRestartPolicy'));
  if (has(spec.dnsPolicy) && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(spec.dnsPolicy))
    out.push(notSupported(at(path, 'dnsPolicy'), spec.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'], 'validateDNSPolicy'));
  if (isObj(spec.nodeSelector)) out.push(...ValidateLabels(spec.nodeSelector, at(path, 'nodeSelector')));
  if (str(spec.serviceAccountName)) out.push(...invalidAll(at(path, 'serviceAccountName'), spec.serviceAccountName, IsDNS1123Subdomain(spec.serviceAccountName), 'ValidatePodSpec'));
  if (typeof spec.activeDeadlineSeconds === 'number' && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647))
    out.push(...invalidAll(at(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, IsInRange(spec.activeDeadlineSeconds, 1, 2147483647), 'ValidatePodSpec'));
  for (const f of ['hostname', 'subdomain']) if (str(spec[f])) out.push(...invalidAll(at(path, f), spec[f], IsDNS1123Label(spec[f]), 'ValidatePodSpec'));
  if (Array.isArray(spec.tolerations)) out.push(...ValidateTolerations(spec.tolerations, at(path, 'tolerations')));
  if (str(spec.priorityClassName)) out.push(...invalidAll(at(path, 'priorityClassName'), spec.priorityClassName, IsDNS1123Subdomain(spec.priorityClassName), 'ValidatePodSpec'));
  arr(spec.imagePullSecrets).forEach((s: any, i: number) => {
    if (isObj(s) && Object.keys(s).some((k) => k !== 'name')) out.push(invalid(at(at(path, 'imagePullSecrets'), i), s, 'only name may be set', 'validateImagePullSecrets'));
  });
  if (Array.isArray(spec.topologySpreadConstraints)) out.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, at(path, 'topologySpreadConstraints')));
  const sc = spec.securityContext;
  if (isObj(sc)) {
    for (const f of ['runAsUser', 'runAsGroup', 'fsGroup']) if (typeof sc[f] === 'number') out.push(...invalidAll(at(at(path, 'securityContext'), f), sc[f], IsValidUserID(sc[f]), 'validatePodSpecSecurityContext'));
    if (has(sc.fsGroupChangePolicy) && !['OnRootMismatch', 'Always'].includes(sc.fsGroupChangePolicy))
      out.push(notSupported(at(at(path, 'securityContext'), 'fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch'], 'validateFSGroupChangePolicy'));
  }
  for (const [k, v] of Object.entries(isObj(spec.affinity) ? spec.affinity : {})) {
    if (k === 'nodeAffinity' || !isObj(v)) continue;
    for (const kind of ['requiredDuringSchedulingIgnoredDuringExecution', 'preferredDuringSchedulingIgnoredDuringExecution'])
      arr(v[kind]).forEach((term: any, i: number) => {
        const t = kind.startsWith('preferred') ? term?.podAffinityTerm : term;
        const p = kind.startsWith('preferred') ? at(at(at(at(at(path, 'affinity'), k), kind), i), 'podAffinityTerm') : at(at(at(at(path, 'affinity'), k), kind), i);
        if (!str(t?.topologyKey)) out.push(required(at(p, 'topologyKey'), 'can not be empty', 'validatePodAffinityTerm'));
        else out.push(...ValidateLabelName(t.topologyKey, at(p, 'topologyKey')));
        out.push(...ValidateLabelSelector(t?.labelSelector, at(p, 'labelSelector')));
      });
  }
  return out;
}

/** ValidatePodTemplateSpec: labels, annotations, spec. */
export function ValidatePodTemplateSpec(template: unknown, path: string): Errs {
  if (!isObj(template)) return [];
  const out: Errs = [...ValidateLabels(template.metadata?.labels, at(at(path, 'metadata'), 'labels'))];
  out.push(...ValidateAnnotations(template.metadata?.annotations, at(at(path, 'metadata'), 'annotations')));
  if (isObj(template.spec)) out.push(...ValidatePodSpec(template.spec, at(path, 'spec')));
  return out;
}

/** ValidateAnnotations: qualified-name keys (case-insensitive), total size at most 256 KiB. */
export function ValidateAnnotations(ann: unknown, path: string): Errs {
  const out: Errs = [];
  if (!isObj(ann)) return out;
  const keys = Object.keys(ann);
  // the size in UTF-16 units first: the bytes are at most three times that, and are counted only when that could pass the limit
  let units = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const msgs = IsQualifiedName(k.toLowerCase());
    if (msgs.length) out.push(invalid(at(path, k), k, msgs.join('; '), 'ValidateAnnotations'));
    units += k.length + str(ann[k]).length;
  }
  if (units * 3 > maxAnnotationsSize) {
    let size = 0;
    for (const k of keys) size += Buffer.byteLength(k) + Buffer.byteLength(str(ann[k]));
    if (size > maxAnnotationsSize) out.push({ path, type: 'Too long', detail: `may not be more than ${maxAnnotationsSize} bytes`, fn: 'ValidateAnnotations' });
  }
  return out;
}
const maxAnnotationsSize = 256 * 1024;

// ---- Service

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** ValidateService (create) */
export function ValidateService(svc: Record<string, any>): Errs {
  const spec = isObj(svc.spec) ? svc.spec : {};
  const out: Errs = [];
  const type = spec.type ?? 'ClusterIP';
  const headless = spec.clusterIP === 'None' || arr(spec.clusterIPs)[0] === 'None';
  const ports = arr(spec.ports);
  if (!ports.length && !headless && type !== 'ExternalName') out.push(required('spec.ports', '', 'ValidateService'));
  if (type === 'ExternalName') {
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (!cname) out.push(required('spec.externalName', '', 'ValidateService'));
    else out.push(...invalidAll('spec.externalName', cname, IsDNS1123Subdomain(cname), 'ValidateService'));
  }
  if (headless && (type === 'LoadBalancer' || type === 'NodePort')) out.push(invalid('spec.clusterIP', 'None', `may not be set to 'None' for ${type} services`, 'ValidateService'));
  const names = new Set<string>();
  ports.forEach((sp: any, i: number) => out.push(...validateServicePort(sp, ports.length > 1, names, `spec.ports[${i}]`)));
  if (isObj(spec.selector)) out.push(...ValidateLabels(spec.selector, 'spec.selector'));
  if (has(spec.sessionAffinity) && !['ClientIP', 'None'].includes(spec.sessionAffinity)) out.push(notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None'], 'ValidateService'));
  if ((spec.sessionAffinity ?? 'None') === 'None' && has(spec.sessionAffinityConfig))
    out.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None', 'ValidateService'));
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP' && typeof timeout === 'number' && (timeout <= 0 || timeout > 86400))
    out.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400', 'validateAffinityTimeout'));
  arr(spec.externalIPs).forEach((ip: any, i: number) => {
    const msgs = IsValidIP(str(ip));
    out.push(...invalidAll(`spec.externalIPs[${i}]`, ip, msgs.length ? msgs : ValidateNonSpecialIP(str(ip)), msgs.length ? 'ValidateService' : 'ValidateNonSpecialIP'));
  });
  // ValidateServiceClusterIPsRelatedFields: "", "None" or an IP; none of it for ExternalName.
  const clusterIPs = [spec.clusterIP, ...arr(spec.clusterIPs)].filter((x) => has(x) && str(x) !== '');
  if (type === 'ExternalName') {
    if (clusterIPs.length) out.push(forbidden(has(spec.clusterIP) && str(spec.clusterIP) ? 'spec.clusterIP' : 'spec.clusterIPs', 'may not be set for ExternalName services', 'ValidateServiceClusterIPsRelatedFields'));
  } else
    clusterIPs.forEach((ip) => ip !== 'None' && IsValidIP(str(ip)).length && out.push(invalid('spec.clusterIP', ip, 'must be empty, \'None\', or a valid IP address', 'ValidateServiceClusterIPsRelatedFields')));
  if (!serviceTypes.includes(type)) out.push(notSupported('spec.type', type, serviceTypes, 'ValidateService'));
  if (type === 'ClusterIP') ports.forEach((p: any, i: number) => has(p?.nodePort) && p.nodePort !== 0 && out.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'", 'ValidateService', 'remove nodePort, or set type: NodePort')));
  const nodePorts = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p: any, i: number) => {
    const proto = p?.protocol ?? 'TCP';
    if (has(p?.nodePort) && p.nodePort !== 0) {
      const k = `${proto}/${p.nodePort}`;
      if (nodePorts.has(k)) out.push(duplicate(`spec.ports[${i}].nodePort`, p.nodePort, 'ValidateService'));
      nodePorts.add(k);
    }
    const k = `${proto}/${p?.port}`;
    if (seen.has(k)) out.push(duplicate(`spec.ports[${i}]`, { protocol: proto, port: p?.port }, 'ValidateService', 'two ports of a Service may not share protocol and port number'));
    seen.add(k);
  });
  if (arr(spec.loadBalancerSourceRanges).length) {
    if (type !== 'LoadBalancer') out.push(forbidden('spec.loadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'", 'ValidateService'));
    arr(spec.loadBalancerSourceRanges).forEach((r: any, i: number) => out.push(...invalidAll(`spec.loadBalancerSourceRanges[${i}]`, r, IsValidCIDR(str(r).trim()), 'ValidateService')));
  }
  if (has(spec.allocateLoadBalancerNodePorts) && type !== 'LoadBalancer') out.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'", 'ValidateService'));
  const external = type === 'NodePort' || type === 'LoadBalancer';
  if (has(spec.externalTrafficPolicy) && str(spec.externalTrafficPolicy)) {
    if (!external) out.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services', 'validateServiceExternalTrafficPolicy'));
    else if (!['Cluster', 'Local'].includes(spec.externalTrafficPolicy)) out.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local'], 'validateServiceExternalTrafficPolicy'));
  }
  // validateServiceExternalTrafficPolicy: a health-check node port only for LoadBalancer with Local.
  if (has(spec.healthCheckNodePort) && spec.healthCheckNodePort !== 0) {
    if (!(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local'))
      out.push(invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'", 'validateServiceExternalTrafficPolicy'));
    else out.push(...invalidAll('spec.healthCheckNodePort', spec.healthCheckNodePort, IsValidPortNum(Number(spec.healthCheckNodePort)), 'validateServiceExternalTrafficPolicy'));
  }
  // The older annotation form of loadBalancerSourceRanges.
  const ann = svc.metadata?.annotations?.['service.beta.kubernetes.io/load-balancer-source-ranges'];
  if (!arr(spec.loadBalancerSourceRanges).length && has(ann)) {
    const p = 'metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]';
    if (type !== 'LoadBalancer') out.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'", 'ValidateService'));
    const v = str(ann).trim();
    if (v) v.split(',').forEach((c) => out.push(...invalidAll(p, c.trim(), IsValidCIDR(c.trim()), 'ValidateService')));
  }
  if (has(spec.internalTrafficPolicy) && !['Cluster', 'Local'].includes(spec.internalTrafficPolicy))
    out.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local'], 'validateServiceInternalTrafficFieldsValue'));
  return out;
}

/** ValidateNonSpecialIP: not unspecified, loopback, link-local unicast or link-local multicast. */
export function ValidateNonSpecialIP(ip: string): string[] {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [a, b, c] = [Number(v4[1]), Number(v4[2]), Number(v4[3])];
    if (ip === '0.0.0.0') return [`may not be unspecified (${ip})`];
    if (a === 127) return ['may not be in the loopback range (127.0.0.0/8, ::1/128)'];
    if (a === 169 && b === 254) return ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'];
    if (a === 224 && b === 0 && c === 0) return ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'];
    return [];
  }
  const low = ip.toLowerCase();
  if (low === '::') return [`may not be unspecified (${ip})`];
  if (low === '::1') return ['may not be in the loopback range (127.0.0.0/8, ::1/128)'];
  if (/^fe[89ab]/.test(low)) return ['may not be in the link-local range (169.254.0.0/16, fe80::/10)'];
  if (/^ff02:/.test(low)) return ['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'];
  return [];
}

/** validateServicePort */
export function validateServicePort(sp: any, requireName: boolean, names: Set<string>, p: string): Errs {
  const out: Errs = [];
  const name = str(sp?.name);
  if (requireName && !name) out.push(required(at(p, 'name'), '', 'validateServicePort', 'name every port of a Service that has more than one'));
  else if (name) {
    const msgs = IsDNS1123Label(name);
    if (msgs.length) out.push(invalid(at(p, 'name'), name, msgs.join('; '), 'validateServicePort'));
    if (names.has(name)) out.push(duplicate(at(p, 'name'), name, 'validateServicePort', 'port names must be unique within a Service'));
    else names.add(name);
  }
  // A port that is not a number is the schema step's finding (the API server fails to decode it).
  if (typeof sp?.port === 'number' || !has(sp?.port)) {
    const msgs = IsValidPortNum(Number(sp?.port ?? 0));
    if (msgs.length) out.push(invalid(at(p, 'port'), sp?.port ?? 0, msgs.join('; '), 'validateServicePort', 'a Service port is a number from 1 to 65535'));
  }
  if (has(sp?.protocol) && !supportedPortProtocols.includes(sp.protocol)) out.push(notSupported(at(p, 'protocol'), sp.protocol, supportedPortProtocols, 'validateServicePort'));
  if (has(sp?.targetPort)) out.push(...ValidatePortNumOrName(sp.targetPort, at(p, 'targetPort'), 'validateServicePort'));
  if (has(sp?.appProtocol)) out.push(...invalidAll(at(p, 'appProtocol'), sp.appProtocol, IsQualifiedName(str(sp.appProtocol)), 'validateServicePort'));
  return out;
}

// ---- ConfigMap, Secret, PVC

const MaxSecretSize = 1 * 1024 * 1024;

function validateDataKeys(o: Record<string, any>, fields: readonly string[], fn: string): Errs {
  const out: Errs = [];
  const keys = new Set<string>();
  // the size in UTF-16 units first: the bytes are at most three times that, and are counted only when that could pass the limit
  let units = 0;
  for (const f of fields) {
    const data = o[f];
    if (!isObj(data)) continue;
    for (const k of Object.keys(data)) {
      const msgs = IsConfigMapKey(k);
      if (msgs.length) out.push(invalid(at(f, k), k, msgs.join('; '), fn, 'data keys are [-._a-zA-Z0-9]+, at most 253 characters'));
      if (keys.has(k) && fn === 'ValidateConfigMap') out.push(invalid(at(f, k), k, 'duplicate of key present in data', fn));
      keys.add(k);
      units += str(data[k]).length;
    }
  }
  if (units * 3 > MaxSecretSize) {
    let size = 0;
    for (const f of fields) if (isObj(o[f])) for (const k of Object.keys(o[f])) size += Buffer.byteLength(str(o[f][k]));
    if (size > MaxSecretSize) out.push({ path: fields[0]!, type: 'Too long', detail: `may not be more than ${MaxSecretSize} bytes`, fn });
  }
  return out;
}

/** ValidateConfigMap */
export const ValidateConfigMap = (cm: Record<string, any>): Errs => validateDataKeys(cm, ['data', 'binaryData'], 'ValidateConfigMap');

/** ValidateSecret (with stringData merged into data, as the API server decodes it) */
export function ValidateSecret(s: Record<string, any>): Errs {
  const out: Errs = validateDataKeys(s, ['data', 'stringData'], 'ValidateSecret');
  const keys = new Set([...Object.keys(isObj(s.data) ? s.data : {}), ...Object.keys(isObj(s.stringData) ? s.stringData : {})]);
  const need = (k: string) => !keys.has(k) && out.push(required(at('data', k), '', 'ValidateSecret', `a ${s.type} Secret needs data key ${k}`));
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      if (!str(s.metadata?.annotations?.['kubernetes.io/service-account.name'])) out.push(required('metadata.annotations["kubernetes.io/service-account.name"]', '', 'ValidateSecret'));
      break;
    case 'kubernetes.io/dockercfg':
      need('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      need('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!keys.has('username') && !keys.has('password')) out.push(required('data["username"]', '', 'ValidateSecret', 'a basic-auth Secret needs username or password'));
      break;
    case 'kubernetes.io/ssh-auth':
      need('ssh-privatekey');
      break;
    case 'kubernetes.io/tls':
      need('tls.crt');
      need('tls.key');
      break;
  }
  return out;
}

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** ValidatePersistentVolumeClaimSpec */
export function ValidatePersistentVolumeClaimSpec(spec: unknown, path: string): Errs {
  const s = isObj(spec) ? spec : {};
  const out: Errs = [];
  const modes = arr(s.accessModes);
  if (!modes.length) out.push(required(at(path, 'accessModes'), 'at least 1 access mode is required', 'ValidatePersistentVolumeClaimSpec'));
  modes.forEach((m: any) => !accessModes.includes(m) && out.push(notSupported(at(path, 'accessModes'), m, accessModes, 'ValidatePersistentVolumeClaimSpec')));
  if (modes.includes('ReadWriteOncePod') && modes.some((m: any) => m !== 'ReadWriteOncePod' && accessModes.includes(m)))
    out.push(forbidden(at(path, 'accessModes'), 'may not use ReadWriteOncePod with other access modes', 'ValidatePersistentVolumeClaimSpec'));
  out.push(...ValidateLabelSelector(s.selector, at(path, 'selector')));
  const storage = s.resources?.requests?.storage;
  const sp = at(at(at(path, 'resources'), 'requests'), 'storage');
  if (!has(storage)) out.push(required(sp, '', 'ValidatePersistentVolumeClaimSpec', 'request storage: resources.requests.storage'));
  else {
    const q = readQuantity(storage);
    if (q && quantitySign(q) <= 0) out.push(invalid(sp, String(storage), 'must be greater than zero', 'ValidatePositiveQuantityValue'));
  }
  if (str(s.storageClassName)) out.push(...invalidAll(at(path, 'storageClassName'), s.storageClassName, IsDNS1123Subdomain(s.storageClassName), 'ValidatePersistentVolumeClaimSpec'));
  if (has(s.volumeMode) && !['Block', 'Filesystem'].includes(s.volumeMode)) out.push(notSupported(at(path, 'volumeMode'), s.volumeMode, ['Block', 'Filesystem'], 'ValidatePersistentVolumeClaimSpec'));
  return out;
}

