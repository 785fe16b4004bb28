// Hashing worker entry: runs the downloads' SHA-256 jobs (src/lib/models/download/sha256-jobs.ts)
// off the thread that writes to the cache. Started by the download code (hashing-worker.ts).
import { Sha256Jobs, type HashRequest } from '../src/lib/models/download/sha256-jobs';

const jobs = new Sha256Jobs();
const post = self.postMessage.bind(self) as (message: unknown, transfer: Transferable[]) => void;

self.addEventListener('message', (event: MessageEvent<HashRequest>) => jobs.handle(event.data, post));
