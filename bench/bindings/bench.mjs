// The JS side of `make bench-bindings` (see bench.c): the same store, hot
// key and 1000 random keys, through the spatialstore package. Under Bun it
// prints the `bun` rows; under Node the `node-main` rows (the main thread)
// and, from a worker_threads Worker, the `node-worker` rows; `node-workerstore`
// is the main thread through WorkerStore (the store on a worker, called
// synchronously).
// Usage: bench.mjs [gets] [batches] [main-thread gets]
import { Worker, isMainThread, workerData } from 'node:worker_threads';
import { Store, WorkerStore, runtime } from '../../jsclient/index.js';

const KEYS = 100000;
const BATCH = 1000;
const RUNS = 5;

const median = (v) => v.sort((a, b) => a - b)[v.length >> 1];
const now = () => Number(process.hrtime.bigint());

// The median over RUNS runs of the ns per call of n calls.
function timed(call, n) {
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = now();
    for (let i = 0; i < n; i++) call();
    runs.push((now() - t0) / n);
  }
  return median(runs);
}

function measure(name, gets, batches, Kind = Store) {
  const val = Buffer.from(Array.from({ length: 100 }, (_, i) => 97 + (i % 26)));
  const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`k${String(i).padStart(15, '0')}`));
  let rng = 1n;
  const batch = [];
  for (let i = 0; i < BATCH; i++) {
    rng = (rng * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    batch.push(keys[Number((rng >> 33n) % BigInt(KEYS))]);
  }
  const db = new Kind(':memory:');
  for (let i = 0; i < KEYS; i += 10000) db.setMany(keys.slice(i, i + 10000).map((k) => [k, val]));
  const hot = keys[42];
  const lines = [
    `${name}\tget\t${timed(() => db.get(hot), gets).toFixed(1)}\t${gets}`,
    `${name}\tget_many_1000\t${timed(() => db.getMany(batch), batches).toFixed(1)}\t${batches}`,
  ];
  db.close();
  return lines.join('\n');
}

const [gets = 200000, batches = 100, mainGets = 2000] = process.argv.slice(2).map(Number);
if (!isMainThread) {
  process.stdout.write(measure(workerData.name, workerData.gets, workerData.batches) + '\n');
} else if (runtime === 'bun') {
  console.log(measure('bun', gets, batches));
} else {
  console.log(measure('node-main', mainGets, batches));
  console.log(measure('node-workerstore', gets / 10, batches, WorkerStore));
  await new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { name: 'node-worker', gets, batches } });
    w.on('exit', resolve);
    w.on('error', reject);
  });
}
