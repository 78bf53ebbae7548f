// The static reading of prometheus.yml the architecture diagram relies on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelSelectorMatches, relabel, scrapeMatches, type PodCandidate } from '../../../scripts/lib/report/scrape.ts';

describe('prometheus service discovery, statically', () => {
  it('matches equality label selectors', () => {
    const l = { 'app.kubernetes.io/name': 'api', tier: 'x' };
    assert.equal(labelSelectorMatches('app.kubernetes.io/name=api', l), true);
    assert.equal(labelSelectorMatches('app.kubernetes.io/name=api,tier!=x', l), false);
    assert.equal(labelSelectorMatches('tier', l), true);
    assert.equal(labelSelectorMatches('app in (api)', l), false);
  });

  it('keeps, drops and rewrites like Prometheus (anchored regexes, $1 replacements)', () => {
    const rules = [
      { source_labels: ['__meta_kubernetes_namespace'], regex: 'marquee-.+', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_label_app'], regex: '(.*)-canary', target_label: 'variant', replacement: '$1' },
    ];
    assert.deepEqual(relabel({ __meta_kubernetes_namespace: 'marquee-prod', __meta_kubernetes_pod_label_app: 'web-canary' }, rules), {
      __meta_kubernetes_namespace: 'marquee-prod',
      __meta_kubernetes_pod_label_app: 'web-canary',
      variant: 'web',
    });
    assert.equal(relabel({ __meta_kubernetes_namespace: 'xmarquee-prod' }, rules), undefined);
    assert.equal(relabel({ a: 'x' }, [{ source_labels: ['a'], regex: 'x', action: 'drop' }]), undefined);
  });

  it('finds the pods and ports a pod-role job scrapes', () => {
    const pod = (id: string, ns: string, portName: string): PodCandidate => ({
      id,
      namespace: ns,
      labels: { 'app.kubernetes.io/name': id.split('/')[1]!, 'app.kubernetes.io/part-of': 'marquee' },
      annotations: {},
      containers: [{ name: 'c', ports: [{ name: portName, containerPort: 80 }, { name: 'admin', containerPort: 81 }] }],
    });
    const pods = [pod('marquee-prod/api', 'marquee-prod', 'http'), pod('kube-system/dns', 'kube-system', 'http'), pod('marquee-prod/db', 'marquee-prod', 'pg')];
    const jobs = [
      {
        job_name: 'svc',
        kubernetes_sd_configs: [{ role: 'pod', selectors: [{ role: 'pod', label: 'app.kubernetes.io/part-of=marquee' }] }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_namespace'], regex: 'marquee-.+', action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'http', action: 'keep' },
        ],
      },
    ];
    assert.deepEqual(scrapeMatches(jobs, pods, []), [{ job: 'svc', workload: 'marquee-prod/api', port: 'http', role: 'pod' }]);
  });
});
