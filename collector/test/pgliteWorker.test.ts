import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limits } from '@model';
import { startWorker, wasmModules } from '../src/store/pgliteStore';

const init = async () => ({
  dataDir: 'memory://',
  sharedBuffers: Limits.pgliteSharedBuffers,
  settings: [],
  ...(await wasmModules()),
});

test("the embedded store's thread ending under it is reported, and every call after fails with why", async () => {
  const stops: Error[] = [];
  const w = startWorker(await init(), (err) => stops.push(err));
  await w.ready;
  assert.deepEqual(await w.call({ op: 'query', sql: 'SELECT 1::int AS one' }), [{ one: 1 }]);
  // Ended from outside, not by stop() or a close: as a crash of the thread would.
  await w.worker.terminate();
  assert.deepEqual(
    stops.map((e) => e.message),
    ['the embedded store has stopped (exit 1)']
  );
  await assert.rejects(w.call({ op: 'query', sql: 'SELECT 1' }), /the embedded store has stopped \(exit 1\)/);
});

test('a store stopped or closed on purpose reports nothing', async () => {
  const stops: Error[] = [];
  const stopped = startWorker(await init(), (err) => stops.push(err));
  await stopped.ready;
  await stopped.stop();
  const closed = startWorker(await init(), (err) => stops.push(err));
  await closed.ready;
  await closed.call({ op: 'close' });
  await closed.stop();
  assert.deepEqual(stops, []);
});
