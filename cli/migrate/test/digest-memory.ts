// Child process for checksum.test.ts: digests a libSQL file through the store and prints peak memory as JSON.
// Run with a small --max-old-space-size: a pass that holds more than a bounded scan at a time dies of OOM.
import { createLibsqlStore } from "../../../libsql/libsql-store.ts";
import { digestSecrets } from "../checksum.ts";

const [url, chunkRows] = [process.argv[2]!, Number(process.argv[3])];
const store = await createLibsqlStore(url);
let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
};
const baseline = process.memoryUsage();
const digest = await digestSecrets(store, chunkRows, sample);
store.close();
process.stdout.write(`${JSON.stringify({ digest, baselineRss: baseline.rss, baselineHeap: baseline.heapUsed + baseline.external, peakRss, peakHeap })}\n`);
