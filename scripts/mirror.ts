// CLI for the model mirror: `tsx scripts/mirror.ts <dir> [--port N] [--host H] [--no-tree] [--fault-control [--control-token T]]`.

import { parseArgs } from 'node:util';
import { createMirrorServer, listRepos } from './mirror-server';

const USAGE = `Usage: tsx scripts/mirror.ts <dir> [--port N] [--host H] [--no-tree] [--fault-control [--control-token T]]

Serves <dir>/<org>/<name>/<file> the way the Hugging Face hub does, so the app can load
models with ?hub=http://host:port.

  --port N     port to listen on (default 8080, 0 picks a free one)
  --host H     interface to bind (default 127.0.0.1; 0.0.0.0 to share on the network)
  --no-tree    do not answer /api/models/.../tree (behave like a plain static server)
  --fault-control
               accept fault rules for testing download failures:
                 POST   /__mirror/faults    JSON array of rules, replaces the current ones
                 DELETE /__mirror/faults    serve normally again
                 GET    /__mirror/requests  request log as JSON (DELETE empties it)
               Each call needs "Authorization: Bearer <token>": the token printed at start,
               or the one given with --control-token (16+ characters). Calls from web pages
               (with an Origin header) are refused, and no CORS headers are sent.
               A rule: {"kind": K, "path": "onnx/model.onnx", "repo": "org/name", "times": 1, ...}
               with K one of
                 drop-after-bytes  "bytes": N    cut the connection after N body bytes
                 status            "status": S   answer S (default 500) with no body
                 throttle          "bytesPerSecond": B
                 truncate          "bytes": K    body K bytes short, announced as complete
                 corrupt           "bytes": N    flip N bytes (default 1), same length
                 gzip-unsized                  the whole file gzip-compressed, no Content-Length
                 gzip-sized                    the same with the compressed Content-Length
                 content-length    "bytes": D    announce a Content-Length D off the body sent
                 lie-size          "bytes": D    the tree listing gives the size D off (sha256 true)
               "path" matches part of the file path (every file when left out), "times" is how
               many requests the rule hits (default 1; null for all). Only GET bodies of files
               and, with lie-size, the tree listing are faulted; HEAD stays truthful.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        'no-tree': { type: 'boolean', default: false },
        'fault-control': { type: 'boolean', default: false },
        'control-token': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) fail('Give exactly one directory to serve.');
  const dir = positionals[0]!;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got "${values.port}".`);
  if (values['control-token'] !== undefined && !values['fault-control']) fail('--control-token only makes sense with --fault-control.');

  let server;
  try {
    server = await createMirrorServer({
      root: dir,
      port,
      host: values.host,
      treeEndpoint: !values['no-tree'],
      controlEndpoint: values['fault-control'],
      controlToken: values['control-token'],
      log: true,
    });
  } catch (err) {
    console.error(`Could not start the mirror: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`Model mirror serving ${dir} at ${server.url}  (use ?hub=${server.url} in the app)`);
  const repos = await listRepos(dir);
  // An empty list almost always means the folder layout is off by one level.
  console.log(repos.length ? `Repositories: ${repos.join(', ')}` : `No <org>/<name> folders found in ${dir}.`);
  // Anyone who can reach the port can break downloads, so say so where it is easy to notice.
  if (server.controlToken) {
    console.log(`Fault control is on: POST rules to ${server.url}/__mirror/faults with "Authorization: Bearer ${server.controlToken}"`);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    // A second Ctrl-C means "now": don't wait for slow downloads to drain.
    if (closing) process.exit(130);
    closing = true;
    console.log(`\n${signal}: stopping the mirror`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
