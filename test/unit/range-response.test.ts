// A Range request the service worker answers from its precache gets the bytes it asked for.
import { describe, expect, it } from 'vitest';
import { parseByteRange, rangeOf } from '../../src/pwa/range-response';

describe('parseByteRange', () => {
  it('reads a closed, an open and a suffix range, and clamps to the file', () => {
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseByteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseByteRange('bytes=95-200', 100)).toEqual({ start: 95, end: 99 });
    expect(parseByteRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });
  it('tells an unsatisfiable range from one it ignores', () => {
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=9-3', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseByteRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseByteRange('items=0-1', 100)).toBeNull();
  });
});

describe('rangeOf', () => {
  const body = new Uint8Array(Array.from({ length: 100 }, (_, i) => i));
  const whole = () => new Response(body, { headers: { 'Content-Type': 'application/wasm', 'Content-Length': '100' } });
  const asking = (range?: string) => new Request('https://app.example/assets/ort.wasm', range ? { headers: { Range: range } } : {});

  it('cuts a whole response to the asked bytes with 206 and Content-Range', async () => {
    const part = await rangeOf(asking('bytes=10-19'), whole());
    expect(part.status).toBe(206);
    expect(part.headers.get('Content-Range')).toBe('bytes 10-19/100');
    expect(part.headers.get('Content-Length')).toBe('10');
    expect(part.headers.get('Content-Type')).toBe('application/wasm');
    expect([...new Uint8Array(await part.arrayBuffer())]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
  it('answers 416 past the end, and the whole file to a request without a Range it can read', async () => {
    const past = await rangeOf(asking('bytes=100-'), whole());
    expect(past.status).toBe(416);
    expect(past.headers.get('Content-Range')).toBe('bytes */100');
    const plain = await rangeOf(asking(), whole());
    expect(plain.status).toBe(200);
    expect((await plain.arrayBuffer()).byteLength).toBe(100);
    const multi = await rangeOf(asking('bytes=0-1,5-6'), whole());
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(100);
  });
});
