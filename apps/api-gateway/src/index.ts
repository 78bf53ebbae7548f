// @marquee/api-gateway: the single entry point in front of inventory and billing.
export { build, version, type BuildOptions } from './app.ts';
export { gatewayConfigSpec, readGatewayConfig, type GatewayConfig } from './config.ts';
export { Upstream, type UpstreamName, type UpstreamOptions } from './upstream.ts';
