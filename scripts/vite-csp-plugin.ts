// Vite plugin: writes the Content-Security-Policy into the built index.html as a <meta> tag, tells
// the app, through the constant __PLAYGROUND_ALLOWED_HUBS__, which origins that policy lets it reach,
// and has the dev and preview servers send each response's security headers (the workers' own
// policies, frame-ancestors), as the service worker does once installed.
import type { Connect, Plugin } from 'vite';
import { responseRole, securityHeaders } from '../src/lib/security/response-headers.ts';
import {
  buildContentSecurityPolicy,
  connectSources,
  parseHubSources,
} from '../src/lib/security/content-security-policy.ts';

/** `extraHubs`: space- or comma-separated origins (an on-prem mirror), usually from PLAYGROUND_HUBS. */
export function contentSecurityPolicy(extraHubs = process.env.PLAYGROUND_HUBS): Plugin {
  const connect = connectSources(parseHubSources(extraHubs));
  let isBuild = false;
  return {
    name: 'playground:content-security-policy',
    config: () => ({
      // Defined in dev too, so the settings UI can warn about a hub the built app would refuse.
      define: { __PLAYGROUND_ALLOWED_HUBS__: JSON.stringify(connect.join(' ')) },
    }),
    configResolved(config) {
      isBuild = config.command === 'build';
    },
    configureServer(server) {
      server.middlewares.use(securityHeadersMiddleware(connect));
    },
    configurePreviewServer(server) {
      server.middlewares.use(securityHeadersMiddleware(connect));
    },
    transformIndexHtml(html) {
      // Dev is left without a policy: HMR injects inline scripts and styles.
      if (!isBuild) return;
      const meta = `<meta http-equiv="Content-Security-Policy" content="${buildContentSecurityPolicy(connect)}" />`;
      // Right after the charset (which must stay in the first 1024 bytes) and before any script or
      // stylesheet, so the policy covers them all.
      const charset = /<meta charset=[^>]*>/i;
      if (!charset.test(html)) throw new Error('index.html needs a <meta charset> for the CSP to follow.');
      return html.replace(charset, (tag) => `${tag}\n    ${meta}`);
    },
  };
}

/** Sets the headers before any later handler (static files, Vite's transforms) writes the response. */
function securityHeadersMiddleware(connect: readonly string[]): Connect.NextHandleFunction {
  return (req, res, next) => {
    const destination = String(req.headers['sec-fetch-dest'] ?? '');
    const pathname = new URL(req.url ?? '/', 'http://app').pathname;
    for (const [name, value] of Object.entries(securityHeaders(responseRole(destination, pathname), connect))) res.setHeader(name, value);
    next();
  };
}
