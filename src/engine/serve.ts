/**
 * Serves a `LabEngine` over a message port: the worker side of the protocol. Each request
 * is handled as soon as it arrives (not queued behind the previous one) so that `pause`
 * reaches an engine whose `play` is still running; the engine orders the rest itself.
 */
import { serializeError, type FromWorker, type LabEngine, type ReplyMap, type RequestOf, type RequestType, type ToWorker } from './protocol';

/** What both ends of the wire need: a Worker, a worker's global scope, a MessagePort, a test pair. */
export interface PortLike<In, Out> {
  postMessage(message: Out): void;
  addEventListener(type: 'message', listener: (event: { data: In }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: In }) => void): void;
}

/** One handler per request type, each answering with that type's reply. */
type Handlers = { [K in RequestType]: (request: RequestOf<K>) => Promise<ReplyMap[K]> };

function handlersFor(engine: LabEngine): Handlers {
  return {
    init: (r) => engine.init(r.backend, r.run, r.remembered),
    load: (r) => engine.load(r.config, r.run),
    prepare: () => engine.prepare(),
    step: () => engine.step(),
    play: (r) => engine.play(r.delayMs),
    pause: () => engine.pause(),
    reset: (r) => engine.reset(r.run),
    summary: () => engine.summary(),
    comparisons: (r) => engine.comparisons(r.format),
  };
}

/** Calls the handler of `request.type`; the mapped type keeps request and reply correlated. */
function dispatch<K extends RequestType>(handlers: Handlers, type: K, request: RequestOf<K>): Promise<ReplyMap[K]> {
  const handler: (request: RequestOf<K>) => Promise<ReplyMap[K]> = handlers[type];
  return handler(request);
}

/**
 * Answers every request on `port` with exactly one reply and forwards engine events.
 * Returns a function that detaches (the engine itself is left to the caller).
 */
export function serve(engine: LabEngine, port: PortLike<ToWorker, FromWorker>): () => void {
  const handlers = handlersFor(engine);
  const post = (message: FromWorker) => port.postMessage(message);
  const unsubscribe = engine.subscribe((event) => post({ kind: 'event', event }));

  const onMessage = async ({ data }: { data: ToWorker }) => {
    const { id, request } = data;
    try {
      const value = await dispatch(handlers, request.type, request);
      post({ kind: 'reply', id, ok: true, type: request.type, value });
    } catch (error) {
      post({ kind: 'reply', id, ok: false, error: serializeError(error) });
    }
  };
  port.addEventListener('message', onMessage);
  return () => {
    port.removeEventListener('message', onMessage);
    unsubscribe();
  };
}
