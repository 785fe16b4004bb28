// Answers a Range request from a whole cached response, as the host would have: the precache holds
// whole files, and Cache API matching ignores the Range header, so without this a request for some
// bytes of a precached file got all of them with status 200.

/** The bytes `range` asks for of a body `size` long, or 'unsatisfiable', or null when it can't be read (then the whole file is the answer). */
export function parseByteRange(range: string, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  // One range only: a multipart answer is never needed by the app, and ignoring Range is allowed.
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [, first, last] = match;
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Math.min(Number(last), size);
    return length === 0 ? 'unsatisfiable' : { start: size - length, end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** `response` (a whole file) cut to what `request`'s Range header asks for; unchanged without one. */
export async function rangeOf(request: Request, response: Response): Promise<Response> {
  const range = request.headers.get('Range');
  if (!range || response.status !== 200) return response;
  const body = await response.blob();
  const wanted = parseByteRange(range, body.size);
  if (wanted === null) return new Response(body, response);
  const headers = new Headers(response.headers);
  if (wanted === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${body.size}`);
    headers.set('Content-Length', '0');
    return new Response(null, { status: 416, statusText: 'Range Not Satisfiable', headers });
  }
  const part = body.slice(wanted.start, wanted.end + 1);
  headers.set('Content-Range', `bytes ${wanted.start}-${wanted.end}/${body.size}`);
  headers.set('Content-Length', String(part.size));
  return new Response(part, { status: 206, statusText: 'Partial Content', headers });
}
