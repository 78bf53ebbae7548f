// Inventory's configuration spec, apart from its reader (config.ts): validate runs it over the
// environment a rendered overlay gives the container, without loading pg or fastify.
import { baseConfigSpec } from '@marquee/kit/config';

/** The common variables; PostgreSQL's come through pgConnectionConfig (config.ts). */
export const inventoryConfigSpec = baseConfigSpec('inventory');
