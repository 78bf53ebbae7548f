// Data tier bases (issue 4): PostgreSQL, RabbitMQ, the per-environment SecretStore and the
// migrations Jobs. Overlays (overlays/<env>/data) size and place them per environment;
// policies/contract/data-tier.ts checks what an overlay renders (validate, test/generators/data.test.ts).
import type { Component } from './lib/component.ts';
import { secretStoreObjects } from './external-secrets.ts';
import { cnpgComponents } from './cloudnative-pg.ts';
import { cnpgInstallComponent } from './cloudnative-pg-install.ts';
import { migrationsComponent } from './migrations.ts';
import { postgresComponent } from './postgres.ts';
import { rabbitmqComponent } from './rabbitmq.ts';

export function dataComponents(): Component[] {
  return [
    { dir: 'base/secret-store', source: 'generators/external-secrets.ts', objects: secretStoreObjects() },
    postgresComponent(),
    rabbitmqComponent(),
    migrationsComponent(),
    ...cnpgComponents(),
    cnpgInstallComponent(),
  ];
}

