// Vite plugin: writes the Content-Security-Policy into the built index.html as a <meta> tag and
// tells the app, through the constant __PLAYGROUND_ALLOWED_HUBS__, which origins that policy lets it reach.
import type { Plugin } from 'vite';
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
