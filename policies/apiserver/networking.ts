// Rules of kubernetes/kubernetes pkg/apis/networking/validation/validation.go (Kubernetes 1.31): Ingress, NetworkPolicy.
import { arr, at, has, invalid, invalidAll, isObj, notSupported, quotedNumberHint, required, forbidden, str, ValidateLabelSelector, type Errs } from './lib/field.ts';
import { IsDNS1035Label, IsDNS1123Subdomain, IsValidCIDR, IsValidPortName, IsValidPortNum, IsWildcardDNS1123Subdomain } from './lib/validation.ts';

const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];
const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];

/** validateHTTPIngressPath */
export function validateHTTPIngressPath(p: any, path: string): Errs {
  const out: Errs = [];
  if (!has(p?.pathType)) return [required(at(path, 'pathType'), 'pathType must be specified', 'validateHTTPIngressPath')];
  const value = str(p.path);
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix': {
      const msgs: string[] = [];
      if (!value.startsWith('/')) msgs.push('must be an absolute path');
      if (value.length) {
        for (const seq of invalidPathSequences) if (value.includes(seq)) msgs.push(`must not contain '${seq}'`);
        for (const suf of invalidPathSuffixes) if (value.endsWith(suf)) msgs.push(`cannot end with '${suf}'`);
      }
      if (msgs.length)
        out.push({
          ...invalid(at(path, 'path'), value, msgs.join('; '), 'validateHTTPIngressPath', value.startsWith('/') ? 'normalise the path' : `write "/${value}": under pathType ${p.pathType} a path starts with /`),
          summary: `Ingress path ${JSON.stringify(value)} is not valid under pathType ${p.pathType}`,
        });
      break;
    }
    case 'ImplementationSpecific':
      if (value.length && !value.startsWith('/')) out.push(invalid(at(path, 'path'), value, 'must be an absolute path', 'validateHTTPIngressPath'));
      break;
    default:
      out.push(notSupported(at(path, 'pathType'), p.pathType, pathTypes, 'validateHTTPIngressPath'));
  }
  out.push(...validateIngressBackend(p?.backend, at(path, 'backend')));
  return out;
}

/** validateIngressBackend: exactly one of service or resource; service name a DNS-1035 label, port name or number. */
export function validateIngressBackend(b: unknown, path: string): Errs {
  if (!isObj(b)) return [required(path, '', 'validateIngressBackend')];
  const out: Errs = [];
  const hasSvc = isObj(b.service);
  const hasRes = isObj(b.resource);
  if (hasSvc && hasRes) return [invalid(path, '', 'cannot set both resource and service backends', 'validateIngressBackend')];
  if (hasRes) {
    if (!str(b.resource.kind)) out.push(required(at(at(path, 'resource'), 'kind'), '', 'validateIngressBackend'));
    if (!str(b.resource.name)) out.push(required(at(at(path, 'resource'), 'name'), '', 'validateIngressBackend'));
    return out;
  }
  if (!hasSvc) return [invalid(path, '', 'resource or service backend is required', 'validateIngressBackend')];
  const s = b.service;
  const sp = at(path, 'service');
  if (!str(s.name)) out.push(required(at(sp, 'name'), '', 'validateIngressBackend'));
  else out.push(...invalidAll(at(sp, 'name'), s.name, IsDNS1035Label(s.name), 'validateIngressBackend', 'a backend names a Service, whose name is a DNS-1035 label'));
  const port = s.port;
  const hasName = isObj(port) && str(port.name).length > 0;
  const hasNum = isObj(port) && typeof port.number === 'number' && port.number !== 0;
  if (hasName && hasNum) out.push(invalid(at(sp, 'port'), port, 'cannot set both port name & port number', 'validateIngressBackend'));
  else if (hasName) out.push(...invalidAll(at(at(sp, 'port'), 'name'), port.name, IsValidPortName(port.name), 'validateIngressBackend'));
  else if (hasNum) out.push(...invalidAll(at(at(sp, 'port'), 'number'), port.number, IsValidPortNum(port.number), 'validateIngressBackend'));
  else out.push(required(at(sp, 'port'), 'port name or number is required', 'validateIngressBackend'));
  return out;
}

/** ValidateIngressCreate (networking.k8s.io/v1) */
export function ValidateIngress(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [];
  if (!arr(spec.rules).length && !has(spec.defaultBackend)) out.push(invalid('spec.rules', [], 'either `defaultBackend` or `rules` must be specified', 'validateIngressSpec'));
  if (has(spec.defaultBackend)) out.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  arr(spec.rules).forEach((r: any, i: number) => {
    const p = `spec.rules[${i}]`;
    const host = str(r?.host);
    if (host) {
      if (host.includes('*')) out.push(...invalidAll(at(p, 'host'), host, IsWildcardDNS1123Subdomain(host), 'validateIngressRules'));
      else out.push(...invalidAll(at(p, 'host'), host, IsDNS1123Subdomain(host), 'validateIngressRules'));
    }
    if (isObj(r?.http)) {
      const paths = arr(r.http.paths);
      if (!paths.length) out.push(required(at(at(p, 'http'), 'paths'), '', 'validateHTTPIngressRuleValue'));
      paths.forEach((hp: any, j: number) => out.push(...validateHTTPIngressPath(hp, `${p}.http.paths[${j}]`)));
    }
  });
  arr(spec.tls).forEach((t: any, i: number) => {
    arr(t?.hosts).forEach((h: any, j: number) => {
      const host = str(h);
      out.push(...invalidAll(`spec.tls[${i}].hosts[${j}]`, host, host.includes('*') ? IsWildcardDNS1123Subdomain(host) : IsDNS1123Subdomain(host), 'validateIngressTLS'));
    });
  });
  if (has(spec.ingressClassName)) out.push(...invalidAll('spec.ingressClassName', spec.ingressClassName, IsDNS1123Subdomain(str(spec.ingressClassName)), 'ValidateIngressSpec'));
  return out;
}

/** ValidateNetworkPolicyPort */
function validateNetworkPolicyPort(port: any, path: string): Errs {
  const out: Errs = [];
  if (has(port?.protocol) && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) out.push(notSupported(at(path, 'protocol'), port.protocol, ['SCTP', 'TCP', 'UDP'], 'ValidateNetworkPolicyPort'));
  const p = port?.port;
  if (typeof p === 'number') {
    out.push(...invalidAll(at(path, 'port'), p, IsValidPortNum(p), 'ValidateNetworkPolicyPort'));
    if (has(port.endPort)) {
      if (port.endPort < p) out.push(invalid(at(path, 'endPort'), port.endPort, 'must be greater than or equal to `port`', 'ValidateNetworkPolicyPort'));
      out.push(...invalidAll(at(path, 'endPort'), port.endPort, IsValidPortNum(port.endPort), 'ValidateNetworkPolicyPort'));
    }
  } else if (typeof p === 'string') {
    // a quoted number is a string (intstr.IntOrString), judged as a port name
    if (has(port.endPort)) out.push(invalid(at(path, 'endPort'), port.endPort, 'may not be specified when `port` is non-numeric', 'ValidateNetworkPolicyPort'));
    out.push(...invalidAll(at(path, 'port'), p, IsValidPortName(p), 'ValidateNetworkPolicyPort', quotedNumberHint(p, 'port name')));
  } else if (!has(p) && has(port?.endPort)) out.push(invalid(at(path, 'endPort'), port.endPort, 'may not be specified when `port` is not specified', 'ValidateNetworkPolicyPort'));
  return out;
}

/** ValidateNetworkPolicyPeer + ValidateIPBlock */
function validatePeer(peer: any, path: string): Errs {
  const out: Errs = [];
  const n = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => has(peer?.[k])).length;
  if (n === 0) out.push(required(path, 'must specify a peer', 'ValidateNetworkPolicyPeer'));
  else if (has(peer.ipBlock) && n > 1) out.push(forbidden(path, 'may not specify both ipBlock and another peer', 'ValidateNetworkPolicyPeer'));
  out.push(...ValidateLabelSelector(peer?.podSelector, at(path, 'podSelector')));
  out.push(...ValidateLabelSelector(peer?.namespaceSelector, at(path, 'namespaceSelector')));
  const ib = peer?.ipBlock;
  if (isObj(ib)) {
    if (!str(ib.cidr)) out.push(required(at(at(path, 'ipBlock'), 'cidr'), '', 'ValidateIPBlock'));
    else out.push(...invalidAll(at(at(path, 'ipBlock'), 'cidr'), ib.cidr, IsValidCIDR(ib.cidr), 'ValidateIPBlock'));
    arr(ib.except).forEach((e: any, i: number) => out.push(...invalidAll(at(at(at(path, 'ipBlock'), 'except'), i), e, IsValidCIDR(str(e)), 'ValidateIPBlock')));
  }
  return out;
}

/** ValidateNetworkPolicySpec */
export function ValidateNetworkPolicy(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const out: Errs = [...ValidateLabelSelector(spec.podSelector, 'spec.podSelector')];
  for (const dir of ['ingress', 'egress'] as const) {
    const peers = dir === 'ingress' ? 'from' : 'to';
    arr(spec[dir]).forEach((rule: any, i: number) => {
      arr(rule?.ports).forEach((port: any, j: number) => out.push(...validateNetworkPolicyPort(port, `spec.${dir}[${i}].ports[${j}]`)));
      arr(rule?.[peers]).forEach((peer: any, j: number) => out.push(...validatePeer(peer, `spec.${dir}[${i}].${peers}[${j}]`)));
    });
  }
  const types = arr(spec.policyTypes);
  types.forEach((t: any, i: number) => !['Ingress', 'Egress'].includes(t) && out.push(notSupported(`spec.policyTypes[${i}]`, t, ['Egress', 'Ingress'], 'ValidateNetworkPolicySpec')));
  if (types.length > 2) out.push(invalid('spec.policyTypes', types, 'may not specify more than two policyTypes', 'ValidateNetworkPolicySpec'));
  return out;
}

