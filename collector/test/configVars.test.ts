import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config';

test('PGLITE_SHARED_BUFFERS: a PostgreSQL memory size PGlite starts with, or a message naming it', () => {
  assert.equal(loadConfig({}).pgliteSharedBuffers, '32MB');
  for (const ok of ['128kB', '64MB', '1GB', '1024MB']) {
    assert.equal(loadConfig({ PGLITE_SHARED_BUFFERS: ok }).pgliteSharedBuffers, ok);
  }
  // 64kB and 2GB left the embedded store failing to start with "PGlite failed to initialize properly".
  for (const [bad, message] of [
    ['64kB', /^PGLITE_SHARED_BUFFERS must be from 128kB to 1GB, got '64kB'$/],
    ['2GB', /^PGLITE_SHARED_BUFFERS must be from 128kB to 1GB, got '2GB'$/],
    ['1048577kB', /must be from 128kB to 1GB/],
    ['32mb', /^PGLITE_SHARED_BUFFERS must be a PostgreSQL memory size such as 32MB, got '32mb'$/],
    ['99999999999GB', /must be a PostgreSQL memory size/],
  ] as const) {
    assert.throws(
      () => loadConfig({ PGLITE_SHARED_BUFFERS: bad }),
      (err) => err instanceof ConfigError && message.test(err.message),
      bad
    );
  }
});
