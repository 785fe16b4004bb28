// The onnxruntime-web module transformers.js runs on. transformers.js imports the WebGPU bundle
// (asyncify); the build config points that import here, so a worker can run the JSPI bundle
// instead: the only one that reads a session's external data from a Blob, a range at a time,
// instead of holding the whole file in JS. The engine picks before it first imports
// transformers.js (a worker runs one build for its life); asyncify is the default.
import * as asyncify from 'onnxruntime-web/webgpu';
import * as jspi from 'onnxruntime-web/jspi';
import { ORT_BUNDLE_CHOICE } from './ort-setup';

const chosen = (globalThis as Record<symbol, unknown>)[ORT_BUNDLE_CHOICE] === 'jspi' ? jspi : asyncify;

export const { InferenceSession, Tensor, env, registerBackend, TRACE, TRACE_EVENT_BEGIN, TRACE_EVENT_END, TRACE_FUNC_BEGIN, TRACE_FUNC_END } = chosen;
