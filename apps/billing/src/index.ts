// @marquee/billing: the orders API (transactional outbox → RabbitMQ) and the order worker.
export { buildApi, version, type BillingApi, type BuildApiOptions } from './api.ts';
export { assertTopology, Broker, type BrokerOptions } from './broker.ts';
export { localAmqpUrl, readApiConfig, readWorkerConfig, type BillingApiConfig, type BillingWorkerConfig } from './config.ts';
export { InventoryClient, InventoryUnavailableError } from './inventory-client.ts';
export { migrationsDir } from './migrate.ts';
export { isTransient, OrderConsumer, parseOrderMessage, PoisonMessageError } from './order-consumer.ts';
export { createOrder, getOrder, SettleBatcher, settleOrder, settleOrders, type NewOrder, type Order, type OrderMessage, type OrderStatus } from './orders.ts';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts';
export { buildWorker, type BillingWorker, type BuildWorkerOptions } from './worker.ts';
