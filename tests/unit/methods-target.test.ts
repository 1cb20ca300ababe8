/** Target resolution: default argmax, index, class name, and errors that list the valid targets. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { getMethod, resolveTarget } from '../../src/methods/registry';
import { CONV_X, convReluNet, linearNet, useCpu } from './methods-nets';

beforeAll(useCpu);

const labels = ['T-shirt/top', 'Trouser', 'Pullover'];
const model = linearNet([1, 1, 1], [[1], [3], [2]], [0, 0, 0], labels);
const info = model.info;

describe('resolveTarget', () => {
  it('defaults to the argmax of the logits', () => {
    expect(resolveTarget(info, undefined, [0.1, 5, 2])).toBe(1);
    expect(resolveTarget(info, undefined, [7, 5, 2])).toBe(0);
  });

  it('takes an index, as number or decimal string', () => {
    expect(resolveTarget(info, 2, [0, 5, 0])).toBe(2);
    expect(resolveTarget(info, '0', [0, 5, 0])).toBe(0);
  });

  it('takes a class name, exactly or ignoring case', () => {
    expect(resolveTarget(info, 'Trouser', [9, 0, 0])).toBe(1);
    expect(resolveTarget(info, 'pullover', [9, 0, 0])).toBe(2);
  });

  it('out of range names the model, the range and the classes', () => {
    expect(() => resolveTarget(info, 3, [0, 0, 0])).toThrow(
      "model 'linear-test': target 3 is out of range; valid targets: 0..2 or a class name (0 T-shirt/top, 1 Trouser, 2 Pullover)",
    );
    expect(() => resolveTarget(info, '-1', [0, 0, 0])).toThrow('target -1 is out of range; valid targets: 0..2');
    expect(() => resolveTarget(info, 1.5, [0, 0, 0])).toThrow('target 1.5 is out of range');
  });

  it('unknown class names are errors too', () => {
    expect(() => resolveTarget(info, 'Sneaker', [0, 0, 0])).toThrow(
      "model 'linear-test': unknown target class 'Sneaker'; valid targets: 0..2",
    );
  });
});

describe('methods with a resolved target', () => {
  it('explain the predicted class by default and the named class when asked', async () => {
    const net = convReluNet();
    const input = tf.tensor4d(CONV_X, [1, 3, 3, 1]);
    const logits = tf.tidy(() => net.forward(input).logits.dataSync());
    const method = getMethod('vanilla-gradient');
    const byDefault = await method.run(net, input, resolveTarget(net.info, undefined, logits), {}, { seed: 0 });
    expect(byDefault.target).toBe(0); // logits [10, 2]
    expect(byDefault.stats.targetLogit).toBe(10);
    const byName = await method.run(net, input, resolveTarget(net.info, 'one', logits), {}, { seed: 0 });
    expect(byName.target).toBe(1);
    expect(byName.stats.targetLogit).toBe(2);
    input.dispose();
    net.dispose();
  });
});
