// Another site that puts a page in a frame, as an attacker's page would. It is on loopback, so
// Chrome's local network access checks (which block a public site from framing a loopback one
// before any header is read) don't decide the test: the app's own defences do. Give it the other
// loopback name than the app's (localhost vs 127.0.0.1), so it is another site, not just another port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FramingSite {
  url: string;
  close(): Promise<void>;
}

export async function startFramingSite(framed: string): Promise<FramingSite> {
  const other = new URL(framed).hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Another site</title><iframe src="${framed}" width="900" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://${other}:${(server.address() as AddressInfo).port}/`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
