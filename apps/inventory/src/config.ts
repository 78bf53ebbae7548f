// Inventory's configuration: the common variables plus the PostgreSQL connection.
import type { PoolConfig } from 'pg';
import { pgConnectionConfig, readConfig, type BaseConfig, type Env } from '@marquee/kit';
import { inventoryConfigSpec } from './config-spec.ts';

export interface InventoryConfig extends BaseConfig {
  readonly database: PoolConfig;
}

/** Throws ConfigError naming every bad variable. */
export function readInventoryConfig(source: Env = process.env): InventoryConfig {
  return { ...readConfig(inventoryConfigSpec, source), database: pgConnectionConfig('inventory', source) };
}
