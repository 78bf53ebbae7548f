// logOptions(): the base config's LOG_LEVEL, APP_ENV and GIT_SHA as createService's log settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createService, logOptions } from '../src/index.ts';
import { captureLogs } from '../src/testing.ts';

test('logOptions: every log line carries env and gitSha, at the configured level, on the given stream', async () => {
  const logs = captureLogs();
  const app = createService({ service: 'inventory', version: '1.2.3', ...logOptions({ logLevel: 'warn', appEnv: 'test', gitSha: 'abc1234' }, logs.stream) });
  try {
    app.log.info('below the level');
    app.log.warn('kept');
    assert.equal(logs.lines.length, 1, logs.lines.join('\n'));
    const line = JSON.parse(logs.lines[0]!) as Record<string, unknown>;
    assert.deepEqual(
      { level: line['level'], service: line['service'], version: line['version'], env: line['env'], gitSha: line['gitSha'], msg: line['msg'] },
      { level: 'warn', service: 'inventory', version: '1.2.3', env: 'test', gitSha: 'abc1234', msg: 'kept' },
    );
  } finally {
    await app.close();
  }
});

test('logOptions: no stream given leaves logStream unset (createService then writes to stdout)', () => {
  assert.deepEqual(logOptions({ logLevel: 'info', appEnv: 'local', gitSha: 'unknown' }), { logLevel: 'info', logBase: { env: 'local', gitSha: 'unknown' } });
});
