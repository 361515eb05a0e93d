// Compiled by `make test-js` (tsc --noEmit): index.d.ts describes the API
// the tests use, and misuse is a type error.
import { BadHandleError, IndexKind, Store, StoreError, Sync, WorkerStore, type Hit, type Pair, type Tx } from 'spatialstore';

const db = new Store(':memory:', { sync: Sync.NEVER, autoShrinkDisabled: true });
db.set('k', Buffer.from('v'), 10);
const v: Buffer | null = db.get('k');
const existed: boolean = db.delete('k');
db.createSpatialIndex('pos', 'p:*', 'pos');
db.createIndex('age', 'u:*', IndexKind.JSON, 'age');
const hits: Hit[] = db.nearby('pos', [0, 0], 3, null);
const boxes: Hit[][] = db.intersectsMany('pos', [[[0, 0], [1, 1]]]);
const pairs: Pair[] = db.pairs('pos', 2);
const n: number = db.update((tx: Tx) => {
  tx.setMany([['a', '1'], ['b', '2', 5]]);
  return tx.count();
});
db.scan('age', { lo: '{"age":1}', desc: true, limit: 2 });
try {
  db.close();
} catch (e) {
  if (e instanceof StoreError && !(e instanceof BadHandleError)) console.log(e.status, e.code, e.detail);
}
// @ts-expect-error: a handle is not something a caller can pass
db.get(5);
// @ts-expect-error: hits have no raw pointers
hits[0].ptr;
const ws = new WorkerStore(':memory:');
const fromWorker: Hit[] = ws.nearby('pos', [0, 0], 1);
ws.view((tx) => tx.get('k'));
ws.close();
export { v, existed, boxes, pairs, n, fromWorker };
