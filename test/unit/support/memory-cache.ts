// Just enough of the Cache API for ModelStore (node has none), with an optional byte budget like a
// quota. Keys are the URL strings as put; the real Cache is exercised by the e2e suite in Chromium.

export class MemoryCache {
  entries = new Map<string, { body: ArrayBuffer; headers: Headers }>();
  constructor(private readonly budget = Infinity) {}
  get bytes() {
    let sum = 0;
    for (const e of this.entries.values()) sum += e.body.byteLength;
    return sum;
  }
  async match(request: string | { url: string }) {
    const entry = this.entries.get(typeof request === 'string' ? request : request.url);
    return entry ? new Response(entry.body, { headers: entry.headers }) : undefined;
  }
  async put(url: string, response: Response) {
    const body = await response.arrayBuffer();
    if (this.bytes + body.byteLength > this.budget) throw new DOMException('Quota exceeded.', 'QuotaExceededError');
    this.entries.set(url, { body, headers: response.headers });
  }
  async delete(url: string) {
    return this.entries.delete(url);
  }
  async keys() {
    return [...this.entries.keys()].map((url) => ({ url }));
  }
}
