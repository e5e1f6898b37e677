/**
 * One readback per iteration: named tensors of any dtype and shape are packed into one float32
 * vector on the device, read once, and handed back by name as views of that vector.
 */
import * as tf from '@tensorflow/tfjs-core';

export class Readback {
  private readonly parts: { name: string; tensor: tf.Tensor }[] = [];

  /** Adds `tensor` under `name`; the readback takes it over (it is disposed by `read`). */
  add(name: string, tensor: tf.Tensor): this {
    if (this.parts.some((p) => p.name === name)) throw new Error(`Readback: "${name}" added twice`);
    this.parts.push({ name, tensor });
    return this;
  }

  /** Frees every added tensor (a readback abandoned on a failure); nothing after `read`. */
  dispose(): void {
    tf.dispose(this.parts.map((p) => p.tensor));
  }

  /** Packs, reads back once, frees every added tensor; `get(name)` is then that tensor's values (row-major). */
  async read(): Promise<{ get(name: string): Float32Array; has(name: string): boolean }> {
    const packed = tf.tidy(() => tf.concat(this.parts.map((p) => tf.reshape(p.tensor.dtype === 'float32' ? p.tensor : tf.cast(p.tensor, 'float32'), [-1]))));
    tf.dispose(this.parts.map((p) => p.tensor));
    const data = (await packed.data()) as Float32Array;
    packed.dispose();
    const views = new Map<string, Float32Array>();
    let offset = 0;
    for (const { name, tensor } of this.parts) {
      views.set(name, data.subarray(offset, offset + tensor.size));
      offset += tensor.size;
    }
    return {
      get(name) {
        const view = views.get(name);
        if (!view) throw new Error(`Readback: nothing was added as "${name}"`);
        return view;
      },
      has: (name) => views.has(name),
    };
  }
}
