// The API tier's canaries (generators/rollouts/canary.ts, analysis.ts), checked on the rendered
// overlays: test and prod run a Rollout per API-tier service that takes over the generated
// Deployment's pods, dev keeps plain Deployments; the HPAs scale the Rollouts, the PDBs still
// cover the pods; steps and analysis follow the environment contract; and every generated
// Argo Rollouts object is valid against the vendored v1.9.1 CRD schema, not only the models'.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { validateAgainstCrd } from '../../../policies/lib/crd-schema.ts';
import { serviceGroups, services } from '@marquee/contract';
import { environments, type Environment, type EnvName } from '../../../generators/environments.ts';
import { canaryObjects, serviceNamesFor, trafficRouted } from '../../../generators/rollouts/canary.ts';
import { templateNames } from '../../../generators/rollouts/analysis.ts';
import { kustomizeBinary } from '../../../scripts/lib/kustomize/index.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };
const render = (env: EnvName): Obj[] =>
  parseAllDocuments(execFileSync(kustomizeBinary(), ['build', `overlays/${env}/services`], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 }))
    .map((d) => d.toJSON() as Obj)
    .filter(Boolean);
const find = (objs: Obj[], kind: string, name: string): Obj | undefined => objs.find((o) => o.kind === kind && o.metadata.name === name);
const matches = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);

const canaryEnvs = (Object.keys(environments) as EnvName[]).filter((e) => (environments[e] as Environment).canary);

describe('canary releases of the API tier', () => {
  it('the contract gives test and prod a canary release and dev none', () => {
    assert.deepEqual(canaryEnvs, ['test', 'prod']);
  });

  it('dev renders no Rollout: plain Deployments with their HPAs', () => {
    const objs = render('dev');
    assert.equal(objs.filter((o) => o.kind === 'Rollout').length, 0);
    for (const name of serviceGroups['api-tier']) assert.equal(find(objs, 'HorizontalPodAutoscaler', name)?.spec.scaleTargetRef.kind, 'Deployment');
  });

  for (const env of canaryEnvs) {
    const c = (environments[env] as Environment).canary!;
    describe(env, () => {
      const objs = render(env);
      for (const name of serviceGroups['api-tier']) {
        it(`${name}: a Rollout takes over the Deployment's pods, the HPA scales it, the PDB covers them`, () => {
          const r = find(objs, 'Rollout', name);
          assert.ok(r, `Rollout/${name} is rendered`);
          assert.equal(r.metadata.namespace, environments[env].namespace);
          assert.equal(r.spec.template, undefined, 'workloadRef and template are exclusive');
          assert.equal(r.spec.replicas, undefined, 'the HPA owns the count');
          const d = find(objs, r.spec.workloadRef.kind, r.spec.workloadRef.name);
          assert.ok(d && d.kind === 'Deployment', `workloadRef names the rendered Deployment/${name}`);
          assert.equal(r.spec.workloadRef.apiVersion, d.apiVersion);
          const hpa = find(objs, 'HorizontalPodAutoscaler', name)!;
          assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: r.apiVersion, kind: 'Rollout', name });
          const pdb = objs.find((o) => o.kind === 'PodDisruptionBudget' && matches(o.spec.selector.matchLabels, d.spec.template.metadata.labels));
          assert.ok(pdb, 'a PDB selects the pods the Rollout runs');
          assert.ok(hpa.spec.minReplicas - pdb.spec.maxUnavailable >= 1, 'the PDB leaves pods up at the HPA minimum');
          const canary = r.spec.strategy.canary;
          assert.equal(canary.abortScaleDownDelaySeconds, c.abortScaleDownDelaySeconds);
          assert.equal(canary.steps.length, c.steps.length);
          c.steps.forEach((s, i) => {
            const step = canary.steps[i];
            if ('weight' in s) assert.deepEqual(step, { setWeight: s.weight });
            else if ('pause' in s) assert.deepEqual(step, { pause: { duration: s.pause } });
            else assert.deepEqual(step.analysis.templates.map((t: any) => t.templateName).sort(), Object.values(templateNames).sort());
          });
          if (name === trafficRouted) {
            const svc = serviceNamesFor(name);
            assert.equal(canary.stableService, svc.stable);
            assert.equal(canary.canaryService, svc.canary);
            assert.equal(canary.scaleDownDelaySeconds, c.scaleDownDelaySeconds);
            const ing = find(objs, 'Ingress', canary.trafficRouting.nginx.stableIngress);
            assert.ok(ing, 'the stableIngress is rendered');
            assert.equal(ing.spec.rules[0].host, environments[env].ingressHost);
            assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, svc.stable);
            const np = find(objs, 'NetworkPolicy', name)!;
            assert.ok(np.spec.ingress.some((rule: any) => rule.from?.some((p: any) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx')), 'ingress-nginx may reach the gateway pods');
            for (const s of Object.values(svc)) assert.equal(find(objs, 'Service', s)?.spec.ports[0].port, services[name].port);
          } else {
            assert.equal(canary.trafficRouting, undefined, 'internal APIs split by replica weight');
            assert.equal(canary.maxUnavailable, 0);
            assert.equal(canary.maxSurge, c.maxSurge);
          }
        });
      }

      it('every Rollout and AnalysisTemplate is valid against the vendored v1.9.1 CRD schemas (policies/lib/crd-schema.ts)', () => {
        const generated = canaryObjects(env).map((o) => o.toJSON() as Obj).filter((o) => o.kind === 'Rollout' || o.kind === 'AnalysisTemplate');
        assert.equal(generated.length, serviceGroups['api-tier'].length + Object.keys(templateNames).length);
        for (const o of generated) {
          const r = validateAgainstCrd(o);
          assert.ok(r, `a vendored CRD serves ${o.apiVersion} ${o.kind}`);
          assert.deepEqual(r.errors, [], `${o.kind}/${o.metadata.name}`);
        }
      });

      it('the CRD check rejects a misspelt field, a wrong type and a wrong enum (the check can fail)', () => {
        const r = canaryObjects(env).map((o) => o.toJSON() as Obj).find((o) => o.kind === 'Rollout')!;
        const bad = structuredClone(r);
        bad.spec.strategy.canary.abortScaleDownDelaySecs = 1;
        bad.spec.revisionHistoryLimit = 'five';
        bad.spec.strategy.canary.maxSurge = true;
        assert.deepEqual(validateAgainstCrd(bad)!.errors.map((e) => e.path).sort(), ['spec.revisionHistoryLimit', 'spec.strategy.canary.abortScaleDownDelaySecs', 'spec.strategy.canary.maxSurge']);
      });
    });
  }
});
