import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GroupCommit } from '../src/ingest/groupCommit';
import type { EventRecord } from '../src/model/records';
import { openStore } from '../src/store/openStore';
import type { Store } from '../src/store/store';
import { testConfig } from './helpers';

const event = (sessionId: string, n: number): EventRecord => ({
  kind: 'event',
  id: `e-${sessionId}-${n}`,
  sessionId,
  ts: Date.now(),
  clientId: `user-${sessionId}-${n}`,
  connectionId: `conn-${sessionId}-${n}`,
  action: 'connect',
  variation: 'success',
  client: {},
});

const turn = () => new Promise<void>((r) => setImmediate(r));

async function state(p: Promise<unknown>): Promise<'stored' | 'failed' | 'waiting'> {
  return Promise.race([
    p.then(
      () => 'stored' as const,
      () => 'failed' as const
    ),
    turn().then(() => 'waiting' as const),
  ]);
}

describe('group commit of Vonage callbacks', () => {
  let store: Store;
  /** Each transaction the committer starts waits here until the test lets it go, in order. */
  let held: Array<() => void>;
  let gated: Store;
  before(async () => {
    store = await openStore(testConfig());
    const hold = () => new Promise<void>((r) => held.push(r));
    gated = {
      ...store,
      tx: async (fn) => {
        await hold();
        return store.tx(fn);
      },
    };
    // PGlite writes a batch on its own thread, in a transaction of its own (Store.writeBatch).
    const writeBatch = store.writeBatch?.bind(store);
    if (writeBatch) {
      gated.writeBatch = async (...args) => {
        await hold();
        return writeBatch(...args);
      };
    }
  });
  after(() => store.close());

  const storedIds = async (project: string) =>
    (await store.query<{ id: string }>('SELECT id FROM events WHERE project = $1 ORDER BY id', [project])).map(
      (r) => r.id
    );

  test('groups commit side by side up to the slots, never two of one session at once', async () => {
    held = [];
    const committer = new GroupCommit(gated, 'vonage-callback', 2);
    const a1 = committer.write('slots', [event('A', 1)]);
    await turn();
    assert.equal(held.length, 1, 'a lone write starts at once');
    const a2 = committer.write('slots', [event('A', 2)]);
    const b1 = committer.write('slots', [event('B', 1)]);
    await turn();
    assert.equal(held.length, 2, 'the second slot takes B; A waits for its session');
    const c1 = committer.write('slots', [event('C', 1)]);
    await turn();
    assert.equal(held.length, 2, 'no third slot');

    held[1]();
    await b1;
    await turn();
    assert.equal(held.length, 3, "B's slot goes to C, not to A's second write");
    assert.deepEqual(await Promise.all([state(a1), state(a2), state(c1)]), ['waiting', 'waiting', 'waiting']);
    held[2]();
    await c1;
    await turn();
    assert.equal(held.length, 3, 'A is still in commit: its second write waits');
    assert.equal(await state(a2), 'waiting');

    held[0]();
    await a1;
    await turn();
    assert.equal(held.length, 4);
    held[3]();
    await a2;
    await committer.idle();
    assert.deepEqual(await storedIds('slots'), ['e-A-1', 'e-A-2', 'e-B-1', 'e-C-1']);
  });

  test('writes queued together share one transaction; a failing one fails only its caller', async () => {
    held = [];
    const committer = new GroupCommit(gated, 'vonage-callback', 1);
    const bad = { ...event('D', 9), action: null } as unknown as EventRecord;
    const outcomes = Promise.all(
      [event('D', 1), bad, event('E', 1)].map((r) =>
        committer.write('shared', [r]).then(
          () => 'stored',
          () => 'failed'
        )
      )
    );
    await turn();
    assert.equal(held.length, 1, 'one transaction for the three');
    held[0]();
    // The shared transaction fails (action NOT NULL); each write is then retried on its own.
    while (held.length < 4) {
      await turn();
      held.forEach((release) => release());
    }
    held[3]();
    assert.deepEqual(await outcomes, ['stored', 'failed', 'stored']);
    await committer.idle();
    assert.deepEqual(await storedIds('shared'), ['e-D-1', 'e-E-1']);
  });
});
