// The facts the services and the generators must agree on: ports, probe paths,
// database and queue names, metric names. One module, imported by both sides.

/** The services marquee runs, by workload name (the base/<name> directory). */
export const services = {
  'api-gateway': {
    port: 3000,
    description: 'single entry point: routes /api/movies to inventory and /api/orders to billing',
    image: 'ghcr.io/marquee-shop/api-gateway',
    workspace: '@marquee/api-gateway',
    entry: 'apps/api-gateway/src/server.ts',
    /** The services this one calls (drives env wiring and NetworkPolicy egress). */
    calls: ['inventory', 'billing-api'],
    database: undefined,
    usesBroker: false,
  },
  inventory: {
    port: 3001,
    description: 'movie catalogue in PostgreSQL database inventory',
    image: 'ghcr.io/marquee-shop/inventory',
    workspace: '@marquee/inventory',
    entry: 'apps/inventory/src/server.ts',
    calls: [],
    database: 'inventory',
    usesBroker: false,
  },
  'billing-api': {
    port: 3002,
    description: 'accepts orders into PostgreSQL database billing and publishes them to RabbitMQ',
    image: 'ghcr.io/marquee-shop/billing',
    workspace: '@marquee/billing',
    entry: 'apps/billing/src/api-server.ts',
    calls: [],
    database: 'billing',
    usesBroker: true,
  },
  'billing-worker': {
    port: 3003,
    description: 'consumes orders from RabbitMQ, checks the movie with inventory, completes or rejects them',
    image: 'ghcr.io/marquee-shop/billing',
    workspace: '@marquee/billing',
    entry: 'apps/billing/src/worker-server.ts',
    calls: ['inventory'],
    database: 'billing',
    usesBroker: true,
  },
  web: {
    port: 8080,
    description: 'storefront: static HTML/CSS/JS served by nginx, /api proxied to the gateway',
    image: 'ghcr.io/marquee-shop/web',
    workspace: '@marquee/web',
    entry: 'apps/web/src/server.ts',
    calls: ['api-gateway'],
    database: undefined,
    usesBroker: false,
  },
} as const satisfies Record<string, ServiceFacts>;

export interface ServiceFacts {
  readonly port: number;
  readonly description: string;
  /** Image repository without tag; the tag is set per environment in overlays/<env>/services. */
  readonly image: string;
  readonly workspace: string;
  readonly entry: string;
  readonly calls: readonly ServiceName[];
  readonly database: 'inventory' | 'billing' | undefined;
  readonly usesBroker: boolean;
}

export type ServiceName = 'api-gateway' | 'inventory' | 'billing-api' | 'billing-worker' | 'web';
export const serviceNames = Object.keys(services) as ServiceName[];

/**
 * Groups of services that overlays and checks treat alike. Generated HPAs carry
 * their group as the label `serviceGroupLabel`, so an overlay patch targets the
 * group (`labelSelector: marquee.dev/service-group=api-tier`) instead of a list of
 * names, and the environment contract's replica bounds apply to the API tier.
 */
export const serviceGroups = {
  /** Request-serving APIs: scaled within the environment's replica bounds. */
  'api-tier': ['api-gateway', 'inventory', 'billing-api'],
  /** The storefront and the background worker: scaled by their own patch. */
  edge: ['web', 'billing-worker'],
} as const satisfies Record<string, readonly ServiceName[]>;

export type ServiceGroup = keyof typeof serviceGroups;
export const serviceGroupLabel = 'marquee.dev/service-group';

/** The group a service belongs to. */
export const serviceGroupOf = (name: ServiceName): ServiceGroup =>
  (Object.keys(serviceGroups) as ServiceGroup[]).find((g) => (serviceGroups[g] as readonly string[]).includes(name))!;

/** HTTP paths every service answers. */
export const probes = {
  /** liveness: the process is alive */
  liveness: '/healthz',
  /** readiness: dependencies reachable; 503 while draining */
  readiness: '/readyz',
  metrics: '/metrics',
} as const;

/**
 * Seconds between SIGTERM and close. Kubernetes removes the pod from endpoints
 * asynchronously, so the pod keeps serving for `preStopSeconds` (preStop sleep)
 * and then drains within `drainSeconds`; terminationGracePeriodSeconds covers both.
 */
export const shutdown = {
  preStopSeconds: 5,
  drainSeconds: 20,
} as const;

export const databases = ['inventory', 'billing'] as const;
export type DatabaseName = (typeof databases)[number];

/** RabbitMQ topology shared by billing (publisher, consumer) and base/rabbitmq (definitions). */
export const broker = {
  vhost: 'marquee',
  exchange: 'orders',
  routingKey: 'order.created',
  queue: 'orders.created',
  deadLetterExchange: 'orders.dlx',
  deadLetterQueue: 'orders.dead',
  /** deliveries before a poison message is dead-lettered (quorum queue delivery-limit) */
  deliveryLimit: 5,
  /**
   * Delivery limit of the dead-letter queue: high enough that a person or tool reading dead
   * letters with requeue never makes the broker drop one. Explicit because the default differs:
   * none on RabbitMQ 3.10 (the tests), 20 on 4.0 (the image). Not -1 ("unlimited" on 4.0):
   * 3.10 accepts -1 and then drops a message on its first requeue.
   */
  deadLetterDeliveryLimit: 1_000_000,
  port: 5672,
  managementPort: 15672,
  prometheusPort: 15692,
} as const;

export const postgres = {
  port: 5432,
  exporterPort: 9187,
} as const;

/** Metric names the services export; alerts and dashboards import them from here. */
export const metrics = {
  httpDuration: 'http_request_duration_seconds',
  ordersCreated: 'marquee_orders_created_total',
  ordersCompleted: 'marquee_orders_completed_total',
  ordersRejected: 'marquee_orders_rejected_total',
  ordersDeadLettered: 'marquee_orders_dead_lettered_total',
  outboxBacklog: 'marquee_outbox_backlog',
  pgPoolInUse: 'marquee_pg_pool_in_use',
  upstreamErrors: 'marquee_upstream_errors_total',
} as const;

/**
 * Label names on the HTTP metric (metrics.httpDuration), read by the alerts and
 * dashboards in generators/monitoring. `route` is the route pattern (never the raw URL).
 */
export const metricLabels = {
  method: 'method',
  route: 'route',
  statusCode: 'status_code',
} as const;

/** Scaling targets shared by the HPA generator and the HPA alerts. */
export const autoscaling = {
  cpuUtilization: 70,
  memoryUtilization: 80,
  scaleDownStabilizationSeconds: 300,
} as const;

/**
 * Kubernetes Secrets the workloads read, provided in-cluster by ExternalSecrets
 * (base/postgres, base/rabbitmq) and never committed. Keys: `username`, `password`.
 */
export const secrets = {
  postgresAdmin: 'postgres-admin',
  inventoryDb: 'inventory-db',
  billingDb: 'billing-db',
  billingAmqp: 'billing-amqp',
  rabbitmqAdmin: 'rabbitmq-admin',
} as const;

/**
 * Environment variables the services read at start (validated by @marquee/kit).
 * PostgreSQL uses libpq's own PG* variables (or DATABASE_URL locally).
 */
export const envVars = {
  port: 'PORT',
  logLevel: 'LOG_LEVEL',
  appEnv: 'APP_ENV',
  gitSha: 'GIT_SHA',
  databaseUrl: 'DATABASE_URL',
  pgHost: 'PGHOST',
  pgPort: 'PGPORT',
  pgDatabase: 'PGDATABASE',
  pgUser: 'PGUSER',
  pgPassword: 'PGPASSWORD',
  amqpUrl: 'AMQP_URL',
  amqpPassword: 'AMQP_PASSWORD',
  inventoryUrl: 'INVENTORY_URL',
  billingUrl: 'BILLING_URL',
  gatewayUrl: 'GATEWAY_URL',
  upstreamTimeoutMs: 'UPSTREAM_TIMEOUT_MS',
} as const;

/** In-cluster Service names of the data tier (base/postgres, base/rabbitmq). */
export const dataServices = {
  postgres: 'postgres',
  rabbitmq: 'rabbitmq',
} as const;

/**
 * The full RabbitMQ topology, derived from `broker`: what base/rabbitmq's definitions file
 * declares and what the billing services assert at start. Field names follow RabbitMQ's
 * definitions format (add `vhost` per item when writing the file); the queue arguments must be
 * byte-identical on both sides or RabbitMQ refuses the assertion (406 PRECONDITION_FAILED).
 */
export interface BrokerExchange {
  readonly name: string;
  readonly type: 'direct' | 'fanout' | 'topic' | 'headers';
  readonly durable: boolean;
  readonly auto_delete: boolean;
  readonly internal: boolean;
  readonly arguments: Readonly<Record<string, string | number | boolean>>;
}
export interface BrokerQueue {
  readonly name: string;
  readonly durable: boolean;
  readonly auto_delete: boolean;
  readonly arguments: Readonly<Record<string, string | number | boolean>>;
}
export interface BrokerBinding {
  readonly source: string;
  readonly destination: string;
  readonly destination_type: 'queue' | 'exchange';
  readonly routing_key: string;
  readonly arguments: Readonly<Record<string, string | number | boolean>>;
}
export interface BrokerTopology {
  readonly vhost: string;
  readonly exchanges: readonly BrokerExchange[];
  readonly queues: readonly BrokerQueue[];
  readonly bindings: readonly BrokerBinding[];
}

export const brokerTopology: BrokerTopology = {
  vhost: broker.vhost,
  exchanges: [
    { name: broker.exchange, type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
    // fanout: everything dead-lettered from the orders queue lands in one place, whatever its routing key
    { name: broker.deadLetterExchange, type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} },
  ],
  queues: [
    {
      name: broker.queue,
      durable: true,
      auto_delete: false,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': broker.deadLetterExchange,
        // after deliveryLimit redeliveries (deliveryLimit + 1 attempts) the broker dead-letters it
        'x-delivery-limit': broker.deliveryLimit,
        // at-least-once dead-lettering (RabbitMQ >= 3.10) needs reject-publish overflow
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    },
    {
      name: broker.deadLetterQueue,
      durable: true,
      auto_delete: false,
      arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': broker.deadLetterDeliveryLimit },
    },
  ],
  bindings: [
    { source: broker.exchange, destination: broker.queue, destination_type: 'queue', routing_key: broker.routingKey, arguments: {} },
    { source: broker.deadLetterExchange, destination: broker.deadLetterQueue, destination_type: 'queue', routing_key: '', arguments: {} },
  ],
};
