import { describe, expect, it } from 'vitest';
import { watchDevice, type WebGpuDeviceLike } from './device_loss';

/** A WebGPU device that the test can lose, and that can report an uncaught error. */
function fakeDevice() {
  let lose: (info: { reason?: string; message?: string }) => void = () => {};
  const device = Object.assign(new EventTarget(), { lost: new Promise<{ reason?: string; message?: string }>((resolve) => (lose = resolve)) }) as WebGpuDeviceLike;
  const error = (message: string) => device.dispatchEvent(Object.assign(new Event('uncapturederror'), { error: { message } }));
  return { device, lose, error };
}

const recorder = () => {
  const lost: string[] = [];
  const errors: string[] = [];
  return { lost, errors, on: { lost: (r: string) => lost.push(r), error: (m: string) => errors.push(m) } };
};
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('watching the GPU', () => {
  it('reports a lost WebGPU device once, with its reason', async () => {
    const { device, lose } = fakeDevice();
    const r = recorder();
    watchDevice('webgpu', r.on, { device });
    lose({ reason: 'destroyed', message: 'Device was destroyed.' });
    await tick();
    expect(r.lost).toEqual(['the WebGPU device was lost (destroyed: Device was destroyed.)']);
  });

  it('says nothing once stopped (the lab switching backends destroys the device itself)', async () => {
    const { device, lose, error } = fakeDevice();
    const r = recorder();
    const stop = watchDevice('webgpu', r.on, { device });
    stop();
    lose({ reason: 'destroyed' });
    error('late');
    await tick();
    expect(r).toMatchObject({ lost: [], errors: [] });
  });

  it('passes on the first uncaught WebGPU error only', () => {
    const { device, error } = fakeDevice();
    const r = recorder();
    watchDevice('webgpu', r.on, { device });
    error('Invalid BindGroup');
    error('Invalid BindGroup');
    expect(r.errors).toEqual(['Invalid BindGroup']);
  });

  it('reports a lost WebGL context', () => {
    const canvas = new EventTarget();
    const r = recorder();
    watchDevice('webgl', r.on, { canvas });
    canvas.dispatchEvent(new Event('webglcontextlost'));
    canvas.dispatchEvent(new Event('webglcontextlost'));
    expect(r.lost).toEqual(['the WebGL context was lost']);
  });
});
