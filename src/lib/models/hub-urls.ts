// Hub URL building and parsing, shared by the browser app and the node model mirror (no DOM, no node APIs).

export const DEFAULT_HUB = 'https://huggingface.co';

/** What transformers.js appends to `env.remoteHost`; the app sets `remoteHost = hub + '/'`. */
export const REMOTE_PATH_TEMPLATE = '{model}/resolve/{revision}/';

export type HubTreeEntry = {
  type: 'file' | 'directory';
  path: string;
  size: number;
  oid?: string;
  lfs?: { oid: string; size: number; pointerSize: number };
};

export type ParsedHubPath =
  | { kind: 'resolve'; repoId: string; revision: string; filePath: string }
  | { kind: 'tree'; repoId: string; revision: string; subPath: string };

export class HubUrlError extends Error {
  override name = 'HubUrlError';
}

export function normalizeHubBase(input: string): string {
  const raw = (input ?? '').trim();
  if (!raw) throw new HubUrlError('The hub address is empty. Use e.g. https://huggingface.co or http://localhost:8080.');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HubUrlError(`"${raw}" is not a URL. The hub address must look like https://huggingface.co or http://host:port.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HubUrlError(`"${raw}" is not an http(s) address. The hub address must start with http:// or https://.`);
  }
  if (url.username || url.password) {
    // Credentials in the URL would end up in every request URL, cache key and log line.
    throw new HubUrlError('The hub address must not contain a user name or password.');
  }
  if (url.search || url.hash) {
    throw new HubUrlError(`"${raw}" has a query or fragment; the hub address must be a plain base URL.`);
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

const REPO_PART = /^[A-Za-z0-9_.-]{1,96}$/;
/** Models imported from a folder live under this org; they never reach a hub. */
export const LOCAL_ORG = 'local-folder';
/** A folder's name keeps its letters in any script ("模型", "Modèle"), so two folders don't collapse to one id. */
const LOCAL_NAME = /^[\p{L}\p{M}\p{Nd}_.-]{1,96}$/u;

function isValidRepoPart(part: string, pattern = REPO_PART): boolean {
  return (
    pattern.test(part) &&
    !/^[-.]|[-.]$/.test(part) &&
    // The hub forbids these; transformers.js also refuses such ids as model ids.
    !part.includes('..') &&
    !part.includes('--') &&
    !part.endsWith('.git') &&
    !part.endsWith('.ipynb')
  );
}

/** A hub id (`org/name` in ASCII, the hub's rules), or a folder import's `local-folder/<name>` in any script. */
export function isValidRepoId(id: string): boolean {
  if (typeof id !== 'string') return false;
  const parts = id.split('/');
  if (parts.length !== 2) return false;
  const [org, name] = parts as [string, string];
  return isValidRepoPart(org) && isValidRepoPart(name, org === LOCAL_ORG ? LOCAL_NAME : REPO_PART);
}

function assertRepoId(repoId: string): [string, string] {
  if (!isValidRepoId(repoId)) {
    throw new HubUrlError(`"${repoId}" is not a valid model id; expected org/name using letters, digits, "-", "_" and ".".`);
  }
  return repoId.split('/') as [string, string];
}

function assertRevision(revision: string): string {
  if (!isSafeRevision(revision)) throw new HubUrlError(`"${revision}" is not a valid revision.`);
  return revision;
}

/** File paths inside a repo: relative, `/`-separated, with no empty, `.` or `..` parts. */
function fileSegments(filePath: string): string[] {
  const segments = filePath.split('/');
  if (!filePath || !segments.every(isSafeSegment)) {
    throw new HubUrlError(`"${filePath}" is not a valid file path inside a repository.`);
  }
  return segments;
}

export function resolveFileUrl(hub: string, repoId: string, revision: string, filePath: string): string {
  const [org, name] = assertRepoId(repoId);
  const file = fileSegments(filePath).map(encodeURIComponent).join('/');
  // Revisions like refs/pr/1 are one segment on the hub, so their slashes are encoded (as transformers.js does).
  const rev = encodeURIComponent(assertRevision(revision));
  return `${normalizeHubBase(hub)}/${encodeURIComponent(org)}/${encodeURIComponent(name)}/resolve/${rev}/${file}`;
}

export function treeUrl(hub: string, repoId: string, revision: string): string {
  const [org, name] = assertRepoId(repoId);
  const rev = encodeURIComponent(assertRevision(revision));
  return `${normalizeHubBase(hub)}/api/models/${encodeURIComponent(org)}/${encodeURIComponent(name)}/tree/${rev}?recursive=true`;
}

function isSafeSegment(segment: string): boolean {
  return (
    segment !== '' &&
    segment !== '.' &&
    segment !== '..' &&
    !segment.includes('/') &&
    // Backslash is a separator on Windows, and NUL / control characters truncate or confuse fs calls.
    !segment.includes('\\') &&
    !/[\u0000-\u001f\u007f]/.test(segment)
  );
}

function isSafeRevision(revision: string): boolean {
  return typeof revision === 'string' && revision.length > 0 && revision.length <= 255 && revision.split('/').every(isSafeSegment);
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * Parses a hub request pathname (relative to the hub base). Returns null for anything that is not a
 * well-formed resolve/tree path or could escape a repository: `..`, empty parts, encoded slashes or
 * backslashes. Each segment is decoded exactly once.
 */
export function parseHubPath(pathname: string): ParsedHubPath | null {
  if (typeof pathname !== 'string' || !pathname.startsWith('/') || /[?#]/.test(pathname)) return null;
  const raw = pathname.slice(1).split('/');
  const decoded: string[] = [];
  for (const part of raw) {
    const d = decodeSegment(part);
    if (d === null) return null;
    decoded.push(d);
  }
  // The revision is the one segment allowed to carry an encoded "/" (refs/pr/1), so it is checked on its own.
  const checkAllBut = (revisionIndex: number) =>
    decoded.every((d, i) => (i === revisionIndex ? isSafeRevision(d) : isSafeSegment(d)));

  if (decoded[0] === 'api') {
    // api/models/<org>/<name>/tree/<revision>[/<subPath>]
    if (decoded.length < 6 || decoded[1] !== 'models' || decoded[4] !== 'tree') return null;
    if (!checkAllBut(5)) return null;
    const repoId = `${decoded[2]}/${decoded[3]}`;
    if (!isValidRepoId(repoId)) return null;
    return { kind: 'tree', repoId, revision: decoded[5]!, subPath: decoded.slice(6).join('/') };
  }

  // <org>/<name>/resolve/<revision>/<file...>
  if (decoded.length < 5 || decoded[2] !== 'resolve') return null;
  if (!checkAllBut(3)) return null;
  const repoId = `${decoded[0]}/${decoded[1]}`;
  if (!isValidRepoId(repoId)) return null;
  return { kind: 'resolve', repoId, revision: decoded[3]!, filePath: decoded.slice(4).join('/') };
}
