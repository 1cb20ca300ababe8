import { describe, expect, it } from 'vitest';
import { formatRate, parseLayers, presetOf, PRESETS, toRequest } from '../../src/components/feature-vis-state';

describe('feature-vis figure state', () => {
  it('presets turn on what their paper used', () => {
    expect(PRESETS.naive).toMatchObject({ fourier: false, transforms: false, l2: 0, tv: 0, blurEvery: 0 });
    expect(PRESETS.simonyan.l2).toBeGreaterThan(0);
    expect(PRESETS.yosinski.blurEvery).toBe(4);
    expect(PRESETS.lucid).toMatchObject({ fourier: true, decorrelate: true, sigmoid: true, transforms: true });
    expect(presetOf(undefined)).toBe(PRESETS.lucid);
    expect(() => presetOf('dream')).toThrow("unknown preset 'dream'; known: naive, simonyan, yosinski, lucid");
  });

  it('settings become a worker request', () => {
    const r = toRequest({ ...PRESETS.lucid, steps: 64, batch: 4, diversity: 2 }, 'visualize', { model: 'm', modelsBase: '/models' }, { unit: 'conv2:3' });
    expect(r).toMatchObject({
      task: 'visualize', unit: 'conv2:3', steps: 64, batch: 4, diversity: 2, transforms: true, snapshotEvery: 2,
      param: { kind: 'fourier', decorrelate: true, squash: 'sigmoid' },
    });
    expect(toRequest({ ...PRESETS.naive, batch: 4 }, 'invert', { model: 'm', modelsBase: '/m' }, { layer: 'conv1' })).toMatchObject({
      batch: 1, param: { kind: 'pixel', squash: 'clip' }, layer: 'conv1',
    });
  });

  it('parses the layers attribute and formats rates', () => {
    expect(parseLayers('conv1:16, conv2:32')).toEqual([{ name: 'conv1', channels: 16 }, { name: 'conv2', channels: 32 }]);
    expect(parseLayers(null)).toEqual([]);
    expect(() => parseLayers('conv1')).toThrow(/name:channels/);
    expect(formatRate(3.14159)).toBe('3.1 steps/s');
    expect(formatRate(42.4)).toBe('42 steps/s');
  });
});
