// Hub lookup worker entry: looks a model up (its stored manifest, or the hub's listing, or probes of
// a plain mirror) off the page. Asked from a worker, a probe the mirror answers 404 leaves no
// "Failed to load resource" error in the console, where the page's own requests would.
import { expose } from 'comlink';
import { hubLookupApi } from '../src/lib/models/inspection-lookups';

expose(hubLookupApi);
