import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, hashToken, readTokenSpecs } from '../src/config/config';
import { readVonageProjects } from '../src/config/vonage';
import { userFromData } from '../src/ingest/vonageCallback';

const entry = {
  project: 'shop-prod',
  vonageProjectId: '46123456',
  callbackSecret: 'callback-secret-0123456789',
  signatureSecret: 'signature-secret-0123456789',
  projectSecret: 'project-secret-0123456789',
  user: { jsonPath: 'user.id' },
};
const read = (value: unknown) => readVonageProjects({ VONAGE_PROJECTS: JSON.stringify(value) });

describe('Vonage projects configuration (VONAGE_PROJECTS)', () => {
  test('keeps the callback secret as its digest only', () => {
    const [p] = read([entry]);
    assert.equal(p.callbackSecretSha256, hashToken(entry.callbackSecret));
    assert.equal(JSON.stringify(p).includes(entry.callbackSecret), false);
    assert.deepEqual(p.user, { jsonPath: 'user.id' });
    assert.equal(
      read([{ ...entry, signatureSecret: 'short' }])[0].signatureSecret,
      'short',
      "Vonage's secrets as given"
    );
    const [digested] = read([{ ...entry, callbackSecret: undefined, callbackSecretSha256: hashToken('x'.repeat(20)) }]);
    assert.equal(digested.callbackSecretSha256, hashToken('x'.repeat(20)));
  });

  test('reads a file, which wins over the variable', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vonage-')), 'vonage.json');
    writeFileSync(file, JSON.stringify([{ ...entry, project: 'from-file' }]));
    const [p] = readVonageProjects({ VONAGE_PROJECTS_FILE: file, VONAGE_PROJECTS: JSON.stringify([entry]) });
    assert.equal(p.project, 'from-file');
    assert.deepEqual(readVonageProjects({}), []);
  });

  test('every mistake is refused with a message naming it', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...entry, colour: 'red' }, /VONAGE_PROJECTS\[0\]\.colour is not a known field/],
      [{ ...entry, vonageProjectId: 46123456 }, /vonageProjectId must be the Vonage project id/],
      [{ ...entry, project: '' }, /project must name the Inspector project/],
      [{ ...entry, callbackSecret: 'short' }, /callbackSecret must be a string of at least 16 characters/],
      [{ ...entry, signatureSecret: '' }, /signatureSecret must be a string of at least 1 characters/],
      [{ ...entry, callbackSecretSha256: hashToken('y') }, /'callbackSecret' or 'callbackSecretSha256', not both/],
      [{ ...entry, callbackSecret: undefined, callbackSecretSha256: 'ABC' }, /64 lowercase hex digits/],
      [{ ...entry, user: { jsonPath: 'a..b' } }, /user must be \{"jsonPath"/],
      [{ ...entry, user: { prefix: '' } }, /user must be/],
    ];
    for (const [item, message] of cases) {
      assert.throws(
        () => read([item]),
        (err: unknown) => err instanceof ConfigError && message.test(err.message)
      );
    }
    assert.throws(() => read([entry, { ...entry, project: 'other' }]), /same callback secret/);
    assert.throws(() => read({}), /VONAGE_PROJECTS must be a JSON array of Vonage projects/);
    assert.throws(() => readVonageProjects({ VONAGE_PROJECTS: '[' }), /VONAGE_PROJECTS is not valid JSON/);
    assert.throws(
      () => readVonageProjects({ VONAGE_PROJECTS_FILE: '/no/such/file' }),
      /VONAGE_PROJECTS_FILE cannot be read/
    );
  });

  test('tokens are read by the same rules', () => {
    assert.throws(() => readTokenSpecs({ COLLECTOR_TOKENS: '{}' }), /COLLECTOR_TOKENS must be a JSON array of tokens/);
    assert.equal(readTokenSpecs({ COLLECTOR_TOKENS: '[{"token":"abcd","kind":"admin"}]' }).length, 1);
  });
});

describe("a connection's data names the user", () => {
  test('whole data, a JSON path, or the value after a prefix', () => {
    assert.equal(userFromData('alice', undefined), 'alice');
    assert.equal(userFromData('', undefined), undefined);
    assert.equal(userFromData('{"user":{"id":"u-7"}}', { jsonPath: 'user.id' }), 'u-7');
    assert.equal(userFromData('{"user":{"id":42}}', { jsonPath: 'user.id' }), '42');
    assert.equal(userFromData('{"user":{}}', { jsonPath: 'user.id' }), undefined);
    assert.equal(userFromData('not json', { jsonPath: 'user.id' }), undefined);
    assert.equal(userFromData('{}', { jsonPath: 'constructor.name' }), undefined, 'never a prototype member');
    assert.equal(userFromData('role=host&userId=alice&x=1', { prefix: 'userId=' }), 'alice');
    assert.equal(userFromData('userId=bob', { prefix: 'userId=' }), 'bob');
    assert.equal(userFromData('role=host', { prefix: 'userId=' }), undefined);
    assert.equal(userFromData('x'.repeat(300), undefined), undefined, 'too long for a user id');
  });
});
