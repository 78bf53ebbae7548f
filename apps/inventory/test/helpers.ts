// Inventory test fixture: a fresh database with the real migrations, and build() on it.
import { migrate, readConfig, baseConfigSpec } from '@marquee/kit';
import { captureLogs, createTestDatabase, type TestDatabase } from '@marquee/kit/testing';
import { build, migrationsDir } from '../src/index.ts';

export interface Fixture {
  db: TestDatabase;
  app: ReturnType<typeof build>;
  logs: string[];
  close(): Promise<void>;
}

export { captureLogs };

/** `viaPort`: the app reaches PostgreSQL through this local port (a test proxy) instead of 5432. */
export async function inventoryFixture(prefix: string, o: { viaPort?: number } = {}): Promise<Fixture> {
  const db = await createTestDatabase(prefix);
  await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url });
  const { stream, lines } = captureLogs();
  const url = new URL(db.url);
  if (o.viaPort) url.port = String(o.viaPort);
  const config = { ...readConfig(baseConfigSpec('inventory'), {}), database: { connectionString: url.toString() } };
  const app = build({ config, logStream: stream });
  await app.ready();
  return {
    db,
    app,
    logs: lines,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
