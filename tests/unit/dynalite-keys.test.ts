import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// Loaded first: it sets memory-level's store encoding before dynalite/db is required (see the module).
import '../../local/dynalite-handler.ts';
import { type DynaliteKeyFunctions, keepKeyHashes } from '../../local/dynalite-keys.ts';

// dynalite's key functions with the md5 prefixes kept (local/dynalite-keys.ts) give dynalite's own strings.
// They are applied here to a copy of its functions, so the originals stay to compare with.

const dynaliteDb = createRequire(import.meta.url)('dynalite/db') as DynaliteKeyFunctions;

function kept(): DynaliteKeyFunctions {
  // Nothing in this file starts a store, so these are dynalite's own functions still.
  expect(dynaliteDb.dunghanKeptHashes).toBeUndefined();
  const copy = { ...dynaliteDb };
  delete copy.dunghanKeptHashes;
  keepKeyHashes(copy);
  return copy;
}

const table = (hash: [string, string], range?: [string, string]) => ({
  KeySchema: [{ AttributeName: hash[0] }, ...(range ? [{ AttributeName: range[0] }] : [])],
  AttributeDefinitions: [
    { AttributeName: hash[0], AttributeType: hash[1] },
    ...(range ? [{ AttributeName: range[0], AttributeType: range[1] }] : []),
    { AttributeName: 'w', AttributeType: 'S' },
    { AttributeName: 'at', AttributeType: 'N' },
  ],
});

type Item = Parameters<DynaliteKeyFunctions['createKey']>[0];

describe('kept key hashes', () => {
  const cases: { name: string; t: ReturnType<typeof table>; item: Item }[] = [
    {
      name: 'string hash and range',
      t: table(['pk', 'S'], ['sk', 'S']),
      item: { pk: { S: 'DOSSIER#H-1' }, sk: { S: 'EVENT#é/1' } },
    },
    { name: 'number hash and range', t: table(['pk', 'N'], ['sk', 'N']), item: { pk: { N: '-12.5' }, sk: { N: '0' } } },
    { name: 'binary hash only', t: table(['pk', 'B']), item: { pk: { B: 'AAEC/w==' } } },
    {
      name: 'values holding the separators of the kept ids',
      t: table(['pk', 'S'], ['sk', 'S']),
      item: { pk: { S: '0' }, sk: { S: 'S3:x|S:' } },
    },
  ];
  for (const c of cases) {
    it(`gives dynalite's item and index keys: ${c.name}`, () => {
      const db = kept();
      const item = { ...c.item, w: { S: 'WATCH' }, at: { N: '1700000000' } };
      const index = [{ AttributeName: 'w' }, { AttributeName: 'at' }];
      for (let round = 0; round < 2; round++) {
        // The second round answers from what the first kept.
        expect(db.createKey(item, c.t)).toBe(dynaliteDb.createKey(item, c.t));
        expect(db.createKey(item, c.t, c.t.KeySchema)).toBe(dynaliteDb.createKey(item, c.t, c.t.KeySchema));
        expect(db.createIndexKey(item, c.t, index)).toBe(dynaliteDb.createIndexKey(item, c.t, index));
      }
    });
  }

  it('tells apart a hash key alone from one with a range that would read the same', () => {
    const db = kept();
    const alone = dynaliteDb.hashPrefix('a|S:b', 'S');
    const paired = dynaliteDb.hashPrefix('a', 'S', 'b', 'S');
    expect(alone).not.toBe(paired);
    expect([db.hashPrefix('a|S:b', 'S'), db.hashPrefix('a', 'S', 'b', 'S')]).toEqual([alone, paired]);
    expect([db.hashPrefix('a', 'S', 'b', 'S'), db.hashPrefix('a|S:b', 'S')]).toEqual([paired, alone]);
  });

  it('stays right past the number it keeps', () => {
    const db = kept();
    const t = table(['pk', 'S']);
    for (let i = 0; i < 70_000; i += 1) db.createKey({ pk: { S: `D-${i}` } }, t);
    for (const i of [0, 65_535, 65_536, 69_999])
      expect(db.createKey({ pk: { S: `D-${i}` } }, t)).toBe(dynaliteDb.createKey({ pk: { S: `D-${i}` } }, t));
  });
});
