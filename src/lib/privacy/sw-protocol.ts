// Messages between the page and the service worker about the requests the worker saw. The service
// worker posts every request to the app's windows as it happens, and answers a page's hello (sent with
// a MessagePort) with its own client id and the requests it still remembers.

/** Where a request's answer came from, as far as the one who saw it can tell. */
export type AnsweredFrom = 'precache' | 'http cache' | 'network' | 'unknown';

export type ClientKind = 'window' | 'worker' | 'sharedworker' | 'unknown';

/** One fetch event, as the service worker saw it. */
export interface ServiceWorkerRequest {
  /** Unique across service worker restarts: the worker's start time and a counter. */
  id: string;
  url: string;
  method: string;
  /** Date.now() when the fetch event arrived. */
  timeMs: number;
  /** The id of the client that made the request ('' when the browser gave none). */
  clientId: string;
  clientKind: ClientKind;
  /** 'precache' when the shell cache answered; 'network' when it went (or was passed) to the network. */
  answeredFrom: 'precache' | 'network';
}

export const PRIVACY_HELLO = 'privacy:hello';
export const PRIVACY_LOG = 'privacy:log';
export const PRIVACY_REQUEST = 'privacy:request';

export type PrivacyMessage =
  | { type: typeof PRIVACY_HELLO }
  | { type: typeof PRIVACY_LOG; clientId: string; requests: ServiceWorkerRequest[] }
  | { type: typeof PRIVACY_REQUEST; request: ServiceWorkerRequest };

/** How many requests the service worker keeps for a page that says hello late. */
export const SERVICE_WORKER_LOG_SIZE = 1000;

export function isPrivacyMessage(data: unknown): data is PrivacyMessage {
  const type = (data as { type?: unknown } | null)?.type;
  return type === PRIVACY_HELLO || type === PRIVACY_LOG || type === PRIVACY_REQUEST;
}
