// Gateway configuration: the common variables, the upstream URLs and their timeout. Light on
// purpose (the kit's reader alone): validate runs the spec over each rendered environment.
import { envVars, services } from '@marquee/contract';
import { baseConfigSpec, env, readConfig, type ConfigOf, type Env } from '@marquee/kit/config';

const local = (s: keyof typeof services) => `http://127.0.0.1:${services[s].port}`;

export const gatewayConfigSpec = {
  ...baseConfigSpec('api-gateway'),
  inventoryUrl: env.url(envVars.inventoryUrl, { default: local('inventory'), example: `http://inventory:${services.inventory.port}` }),
  billingUrl: env.url(envVars.billingUrl, { default: local('billing-api'), example: `http://billing-api:${services['billing-api'].port}` }),
  /** Per upstream request: time to response headers, and between body chunks. */
  upstreamTimeoutMs: env.int(envVars.upstreamTimeoutMs, { default: 5000, min: 1, max: 60_000 }),
};
export type GatewayConfig = ConfigOf<typeof gatewayConfigSpec>;

export const readGatewayConfig = (source: Env = process.env): GatewayConfig => readConfig(gatewayConfigSpec, source);
