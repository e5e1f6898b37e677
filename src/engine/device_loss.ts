/**
 * Watching the GPU a backend runs on (issue 13): WebGPU's `device.lost` and
 * `uncapturederror`, WebGL's `webglcontextlost`. A driver reset, a GPU process crash or a
 * laptop switching GPUs takes the device away; tfjs then fails every later kernel with an
 * empty message. The engine hears it here, says so, and the page moves the run to the next
 * backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './protocol';

/** What the watcher reports: the device is gone (`lost`), or it reported an error nobody caught. */
export interface DeviceEvents {
  lost(reason: string): void;
  error(message: string): void;
}

/** Starts watching the active backend's device; returns a function that stops (before the lab itself switches backends). */
export type DeviceWatcher = (name: BackendName, on: DeviceEvents) => () => void;

/** What is watched: a WebGPU device, or a WebGL context's canvas. */
export interface WatchedDevice {
  device?: WebGpuDeviceLike;
  canvas?: EventTarget;
}

export interface WebGpuDeviceLike extends EventTarget {
  lost: Promise<{ reason?: string; message?: string }>;
}

/** The active backend's device (WebGPU) or canvas (WebGL), as tfjs 4.22 keeps them. */
function deviceOf(name: BackendName): WatchedDevice {
  const backend = tf.backend() as unknown as { device?: WebGpuDeviceLike; gpgpu?: { gl?: { canvas?: EventTarget } } };
  if (name === 'webgpu') return { device: backend.device };
  if (name === 'webgl') return { canvas: backend.gpgpu?.gl?.canvas };
  return {};
}

/** Watches the active backend's device; `target` replaces it in tests (a fake device that can be lost). */
export function watchDevice(name: BackendName, on: DeviceEvents, target: WatchedDevice = deviceOf(name)): () => void {
  const { device, canvas } = target;
  let active = true;
  let reported = false;
  const lost = (reason: string) => {
    if (!active || reported) return;
    reported = true;
    on.lost(reason);
  };
  let errors = 0;
  const onError = (event: Event) => {
    // The first one says what went wrong; a broken pipeline would otherwise repeat it per kernel.
    if (active && errors++ === 0) on.error((event as Event & { error?: { message?: string } }).error?.message ?? 'unknown error');
  };
  const onContextLost = () => lost('the WebGL context was lost');
  void device?.lost.then((info) => lost(`the WebGPU device was lost (${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''})`));
  device?.addEventListener('uncapturederror', onError);
  canvas?.addEventListener('webglcontextlost', onContextLost);
  return () => {
    active = false;
    device?.removeEventListener('uncapturederror', onError);
    canvas?.removeEventListener('webglcontextlost', onContextLost);
  };
}
