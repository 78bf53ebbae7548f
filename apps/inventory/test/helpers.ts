// Inventory test fixture: a fresh database with the real migrations, and build() on it.
import { Writable } from 'node:stream';
import { migrate, readConfig, baseConfigSpec } from '@marquee/kit';
import { createTestDatabase, type TestDatabase } from '@marquee/kit/testing';
import { build, migrationsDir } from '../src/index.ts';

export interface Fixture {
  db: TestDatabase;
  app: ReturnType<typeof build>;
  logs: string[];
  close(): Promise<void>;
}

export function captureLogs(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, lines };
}

export async function inventoryFixture(prefix: string, o: { connectionString?: string; connectionTimeoutMillis?: number } = {}): Promise<Fixture> {
  const db = await createTestDatabase(prefix);
  await migrate({ database: db.name, dir: migrationsDir, connectionString: db.url });
  const { stream, lines } = captureLogs();
  const config = { ...readConfig(baseConfigSpec('inventory'), {}), database: { connectionString: o.connectionString ?? db.url } };
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
