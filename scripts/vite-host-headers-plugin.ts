// Vite plugin: writes dist/_headers, the security headers of src/lib/security/host-headers.ts in the
// form Netlify and Cloudflare Pages read, for this build's hubs (PLAYGROUND_HUBS), so a host that
// reads it serves the app protected from the first visit on, without the service worker's reload.
import type { Plugin } from 'vite';
import { connectSources, parseHubSources } from '../src/lib/security/content-security-policy.ts';
import { headersFile, hostHeaderRules } from '../src/lib/security/host-headers.ts';

export function hostHeaders(extraHubs = process.env.PLAYGROUND_HUBS): Plugin {
  return {
    name: 'playground:host-headers',
    apply: 'build',
    generateBundle() {
      // No file extension: the service worker's precache glob leaves it out.
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile(hostHeaderRules(connectSources(parseHubSources(extraHubs)))) });
    },
  };
}
