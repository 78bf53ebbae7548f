// contract/service-config: each service container's rendered environment run through the
// service's own config spec. Objects are written by hand, as kustomize prints them (hash-suffixed
// ConfigMap names already in the references); expected problems are the reader's lines as the
// services print them at start.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { env } from '@marquee/kit/config';
import type { RenderedObject, Target } from '../../../kube/index.ts';
import { serviceConfigFindings, serviceConfigIssues } from '../../../policies/contract/index.ts';
import { serviceConfigSpecs, serviceOf } from '../../../policies/contract/service-config.ts';

const prod: Target = { name: 'prod', kind: 'env', path: 'overlays/prod', env: 'prod', namespace: 'marquee-prod' };

let index = 0;
const rendered = (object: Record<string, any>, origin = 'base/x/kustomization.yaml'): RenderedObject => ({ target: prod, object, origin, index: index++ });

const configMap = (name: string, data: Record<string, string>, namespace = 'marquee-prod') =>
  rendered({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data }, 'base/service-config/kustomization.yaml');

const shared = (data: Record<string, string>) => configMap('marquee-config-f247tk59d9', data);

/** The containers generators/services.ts writes: the contract image started with the entry script. */
const containers = {
  gateway: { name: 'api-gateway', image: 'ghcr.io/marquee-shop/api-gateway:0.1.0', command: ['node', 'src/server.ts'] },
  inventory: { name: 'inventory', image: 'ghcr.io/marquee-shop/inventory:0.1.0', command: ['node', 'src/server.ts'] },
  billingApi: { name: 'billing-api', image: 'ghcr.io/marquee-shop/billing:0.1.0', command: ['node', 'src/api-server.ts'] },
  billingWorker: { name: 'billing-worker', image: 'ghcr.io/marquee-shop/billing:0.1.0', command: ['node', 'src/worker-server.ts'] },
  web: { name: 'web', image: 'ghcr.io/marquee-shop/web:0.1.0' },
} as const;

const sharedFrom = [{ configMapRef: { name: 'marquee-config-f247tk59d9' } }];

const deployment = (name: string, container: Record<string, any>, kind = 'Deployment') =>
  rendered({
    apiVersion: kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
    kind,
    metadata: { name, namespace: 'marquee-prod' },
    spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } },
  }, `base/${name}/deployment.yaml`);

const logLevelInf = 'config: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "inf")';
const c0 = 'spec.template.spec.containers[0]';

describe('serviceOf: the contract image started with the generator command', () => {
  const cases: [string, Record<string, any>, string | undefined][] = [
    ['the gateway', containers.gateway, 'api-gateway'],
    ['inventory, pinned by digest', { ...containers.inventory, image: `ghcr.io/marquee-shop/inventory@sha256:${'a'.repeat(64)}` }, 'inventory'],
    ['billing image, API entry', containers.billingApi, 'billing-api'],
    ['billing image, worker entry', containers.billingWorker, 'billing-worker'],
    ['billing image, a node flag before the entry', { ...containers.billingWorker, command: ['node', '--max-old-space-size=256', 'src/worker-server.ts'] }, 'billing-worker'],
    ['billing image, the migration entry', { ...containers.billingApi, command: ['node', 'src/migrate.ts'] }, undefined],
    ['web: nginx, no Node entry', containers.web, undefined],
    ['another image with the same command', { ...containers.gateway, image: 'docker.io/library/node:22' }, undefined],
  ];
  for (const [what, container, want] of cases) it(what, () => assert.equal(serviceOf(container), want));
});

describe('serviceConfigIssues: where a refused value was set', () => {
  interface Row {
    readonly what: string;
    readonly objects: () => RenderedObject[];
    /** [problem, object name, path, services] of each issue */
    readonly want: readonly [string, string, string, readonly string[]][];
  }
  const rows: Row[] = [
    {
      what: 'a value of the shared ConfigMap: its data key',
      objects: () => [shared({ APP_ENV: 'prod', LOG_LEVEL: 'inf' }), deployment('inventory', { ...containers.inventory, envFrom: sharedFrom })],
      want: [[logLevelInf, 'marquee-config-f247tk59d9', 'data.LOG_LEVEL', ['inventory']]],
    },
    {
      what: 'one value read by two services is one issue naming both (in the contract order)',
      objects: () => [
        shared({ APP_ENV: 'Prod' }),
        deployment('inventory', { ...containers.inventory, envFrom: sharedFrom }),
        deployment('api-gateway', { ...containers.gateway, envFrom: sharedFrom }),
      ],
      want: [['config: APP_ENV must be a short lowercase name like dev, test or prod (got "Prod")', 'marquee-config-f247tk59d9', 'data.APP_ENV', ['api-gateway', 'inventory']]],
    },
    {
      what: 'an env entry overrides the ConfigMap: the entry is blamed',
      objects: () => [shared({ LOG_LEVEL: 'info' }), deployment('inventory', { ...containers.inventory, envFrom: sharedFrom, env: [{ name: 'PORT', value: '3001' }, { name: 'LOG_LEVEL', value: 'inf' }] })],
      want: [[logLevelInf, 'inventory', `${c0}.env[1].value`, ['inventory']]],
    },
    {
      what: 'a later ConfigMap overrides an earlier one',
      objects: () => [
        shared({ LOG_LEVEL: 'inf' }),
        configMap('inventory-config-abc', { LOG_LEVEL: 'warn' }),
        deployment('inventory', { ...containers.inventory, envFrom: [...sharedFrom, { configMapRef: { name: 'inventory-config-abc' } }] }),
      ],
      want: [],
    },
    {
      what: 'configMapKeyRef: the key it names',
      objects: () => [configMap('levels-xyz', { level: 'inf' }), deployment('inventory', { ...containers.inventory, env: [{ name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'levels-xyz', key: 'level' } } }] })],
      want: [[logLevelInf, 'levels-xyz', 'data.level', ['inventory']]],
    },
    {
      what: 'a Secret entry after the ConfigMap: present but unknown, not judged',
      objects: () => [shared({ LOG_LEVEL: 'inf' }), deployment('inventory', { ...containers.inventory, envFrom: sharedFrom, env: [{ name: 'LOG_LEVEL', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })],
      want: [],
    },
    {
      what: 'an envFrom Secret after the ConfigMap may set any variable: not judged',
      objects: () => [shared({ LOG_LEVEL: 'inf' }), deployment('inventory', { ...containers.inventory, envFrom: [...sharedFrom, { secretRef: { name: 's' } }] })],
      want: [],
    },
    {
      what: 'an envFrom Secret before the ConfigMap: the ConfigMap wins',
      objects: () => [shared({ LOG_LEVEL: 'inf' }), deployment('inventory', { ...containers.inventory, envFrom: [{ secretRef: { name: 's' } }, ...sharedFrom] })],
      want: [[logLevelInf, 'marquee-config-f247tk59d9', 'data.LOG_LEVEL', ['inventory']]],
    },
    {
      what: 'an envFrom Secret with a prefix hides only its prefix',
      objects: () => [shared({ LOG_LEVEL: 'inf' }), deployment('inventory', { ...containers.inventory, envFrom: [...sharedFrom, { secretRef: { name: 's' }, prefix: 'DB_' }] })],
      want: [[logLevelInf, 'marquee-config-f247tk59d9', 'data.LOG_LEVEL', ['inventory']]],
    },
    {
      what: 'a prefixed ConfigMap sets other variables',
      objects: () => [shared({ LOG_LEVEL: 'inf' }), deployment('inventory', { ...containers.inventory, envFrom: [{ configMapRef: { name: 'marquee-config-f247tk59d9' }, prefix: 'X_' }] })],
      want: [],
    },
    {
      what: 'a ConfigMap of the same name in another namespace is not the one the pod reads',
      objects: () => [configMap('marquee-config-f247tk59d9', { LOG_LEVEL: 'inf' }, 'other'), deployment('inventory', { ...containers.inventory, envFrom: sharedFrom })],
      want: [],
    },
    {
      what: '$(VAR) of a Secret variable: unknown',
      objects: () => [
        deployment('billing-api', {
          ...containers.billingApi,
          env: [
            { name: 'AMQP_PASSWORD', valueFrom: { secretKeyRef: { name: 'billing-amqp', key: 'password' } } },
            { name: 'AMQP_URL', value: 'amqp://u:$(AMQP_PASSWORD)@rabbitmq:5672/marquee' },
          ],
        }),
      ],
      want: [],
    },
    {
      what: '$(VAR) an envFrom Secret may set: unknown',
      objects: () => [deployment('inventory', { ...containers.inventory, envFrom: [{ secretRef: { name: 's' } }], env: [{ name: 'PORT', value: '$(P)' }] })],
      want: [],
    },
    {
      what: '$(VAR) of a variable nobody sets stays as written',
      objects: () => [deployment('inventory', { ...containers.inventory, env: [{ name: 'PORT', value: '$(P)' }] })],
      want: [['config: PORT must be an integer 1-65535 (got "$(P)")', 'inventory', `${c0}.env[0].value`, ['inventory']]],
    },
    {
      what: '$(VAR) of a known variable expands; $$ is a literal $',
      objects: () => [
        deployment('billing-api', {
          ...containers.billingApi,
          env: [
            { name: 'HOST', value: 'rabbitmq' },
            { name: 'AMQP_URL', value: 'http://$(HOST)/$$(HOST)' },
          ],
        }),
      ],
      want: [['config: AMQP_URL must be a amqp/amqps URL, e.g. amqp://user:pass@rabbitmq:5672/marquee (got "http://rabbitmq/$(HOST)")', 'billing-api', `${c0}.env[1].value`, ['billing-api']]],
    },
    {
      what: 'the worker reads BILLING_PREFETCH, the API does not',
      objects: () => [
        configMap('billing-xyz', { BILLING_PREFETCH: '0' }),
        deployment('billing-api', { ...containers.billingApi, envFrom: [{ configMapRef: { name: 'billing-xyz' } }] }),
        deployment('billing-worker', { ...containers.billingWorker, envFrom: [{ configMapRef: { name: 'billing-xyz' } }] }),
      ],
      want: [['config: BILLING_PREFETCH must be an integer 1-1000 (got "0")', 'billing-xyz', 'data.BILLING_PREFETCH', ['billing-worker']]],
    },
    {
      what: 'web runs nginx: its Node spec is not judged',
      objects: () => [shared({ LOG_LEVEL: 'inf' }), deployment('web', { ...containers.web, envFrom: sharedFrom })],
      want: [],
    },
    {
      what: 'a Rollout with its own template is judged like a Deployment',
      objects: () => [shared({ PORT: '99999' }), deployment('api-gateway', { ...containers.gateway, envFrom: sharedFrom }, 'Rollout')],
      want: [['config: PORT must be an integer 1-65535 (got "99999")', 'marquee-config-f247tk59d9', 'data.PORT', ['api-gateway']]],
    },
    {
      what: 'a DaemonSet is not one of the kinds the services run as',
      objects: () => [shared({ LOG_LEVEL: 'inf' }), deployment('inventory', { ...containers.inventory, envFrom: sharedFrom }, 'DaemonSet')],
      want: [],
    },
    {
      what: 'the values prod renders today',
      objects: () => [shared({ APP_ENV: 'prod', LOG_LEVEL: 'info' }), deployment('inventory', { ...containers.inventory, envFrom: sharedFrom })],
      want: [],
    },
  ];
  for (const row of rows)
    it(row.what, () => {
      const got = serviceConfigIssues(row.objects()).map((i) => [i.problem, i.object.object.metadata.name, i.path, i.services]);
      assert.deepEqual(got, row.want);
    });

  it('a CronJob: the container path under jobTemplate', () => {
    const cron = rendered({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'marquee-prod' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [{ ...containers.inventory, env: [{ name: 'GIT_SHA', value: 'main' }] }] } } } } },
    });
    assert.deepEqual(
      serviceConfigIssues([cron]).map((i) => [i.problem, i.path]),
      [['config: GIT_SHA must be a 7-40 character hex git sha (got "main")', 'spec.jobTemplate.spec.template.spec.containers[0].env[0].value']],
    );
  });
});

describe('a required variable (a spec with one, as a service could have)', () => {
  const specs = { ...serviceConfigSpecs, inventory: { ...serviceConfigSpecs.inventory, token: env.string('TOKEN') } };
  const issues = (container: Record<string, any>) => serviceConfigIssues([deployment('inventory', { ...containers.inventory, ...container })], specs).map((i) => [i.problem, i.path]);
  const cases: [string, Record<string, any>, [string, string][]][] = [
    ['unset: the container is blamed', {}, [['config: TOKEN is required', c0]]],
    ['set to the empty string (unset to the reader): the entry is blamed', { env: [{ name: 'TOKEN', value: '' }] }, [['config: TOKEN is required', `${c0}.env[0].value`]]],
    ['from a Secret key: present, not judged', { env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, []],
    ['from an envFrom Secret: present, not judged', { envFrom: [{ secretRef: { name: 's' } }] }, []],
    ['from the downward API: present, not judged', { env: [{ name: 'TOKEN', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }, []],
    ['from a ConfigMap that is not rendered: the pod does not start, not judged', { envFrom: [{ configMapRef: { name: 'nowhere' } }] }, []],
    ['from an optional ConfigMap that is not rendered: unset', { envFrom: [{ configMapRef: { name: 'nowhere', optional: true } }] }, [['config: TOKEN is required', c0]]],
  ];
  for (const [what, container, want] of cases) it(what, () => assert.deepEqual(issues(container), want));
});

describe('serviceConfigFindings', () => {
  const objects = [
    shared({ APP_ENV: 'prod', LOG_LEVEL: 'inf' }),
    deployment('inventory', { ...containers.inventory, envFrom: sharedFrom }),
    deployment('billing-worker', { ...containers.billingWorker, envFrom: sharedFrom }),
  ];

  it('one error on the ConfigMap key, naming the allowed values and the workloads that read it', () => {
    assert.deepEqual(serviceConfigFindings([{ objects, findings: [] }]), [
      {
        rule: 'contract/service-config',
        severity: 'error',
        target: 'prod',
        object: 'ConfigMap/marquee-prod/marquee-config-f247tk59d9',
        file: 'base/service-config/kustomization.yaml',
        path: 'data.LOG_LEVEL',
        message: `${logLevelInf}: inventory, billing-worker would exit at start and crash-loop`,
        hint: 'set LOG_LEVEL to one of fatal, error, warn, info, debug, trace, silent',
        reads: ['Deployment/marquee-prod/inventory', 'Deployment/marquee-prod/billing-worker'],
      },
    ]);
  });

  it('a target that failed to render is not judged', () => {
    assert.deepEqual(serviceConfigFindings([{ objects, findings: ['kustomize refused it'] }]), []);
  });
});

describe('the check stays light', () => {
  it('loading it loads no service runtime (fastify, pg, amqplib, prom-client)', () => {
    // A resolve hook that refuses the runtimes: the import fails if anything on its path reaches one.
    const hook = `export async function resolve(s, c, next) { if (/^(fastify|pg|amqplib|prom-client|undici)(\\/|$)/.test(s)) throw new Error('loaded ' + s); return next(s, c); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const policy = fileURLToPath(new URL('../../../policies/contract/service-config.ts', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `await import(${JSON.stringify(policy)})`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
