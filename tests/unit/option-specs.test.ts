/**
 * Option specs: what a figure's controls are drawn from. Checked against a hand-written schema and
 * against the registry's real schemas, whose bounds and defaults are written in the method files.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeOptions } from '../../src/methods/option-specs';
import { getMethod } from '../../src/methods/registry';

describe('describeOptions', () => {
  it('describes numbers with bounds, integers, enums, booleans, layer, and skips the rest', () => {
    const schema = z.object({
      stdev: z.number().min(0).max(2).default(0.5),
      samples: z.number().int().min(1).default(10),
      fill: z.enum(['zero', 'blur']).default('blur'),
      clip: z.boolean().default(false),
      layer: z.string().optional(),
      batchSize: z.number().int().default(8),
      custom: z.array(z.number()).optional(),
    }).superRefine(() => undefined);
    expect(describeOptions(schema)).toEqual([
      { name: 'stdev', label: 'Noise σ (fraction of the input range)', type: 'number', min: 0, max: 2, default: 0.5 },
      { name: 'samples', label: 'Samples', type: 'integer', min: 1, default: 10 },
      { name: 'fill', label: 'Fill', type: 'enum', values: ['zero', 'blur'], default: 'blur' },
      { name: 'clip', label: 'clip', type: 'boolean', default: false },
      { name: 'layer', label: 'Layer', type: 'layer' },
    ]);
  });

  it("reads SmoothGrad's, Integrated Gradients' and Grad-CAM's real schemas", () => {
    const smooth = describeOptions(getMethod('smooth-grad').options);
    expect(smooth.find((s) => s.name === 'samples')).toEqual({ name: 'samples', label: 'Samples', type: 'integer', min: 1, max: 10_000, default: 50 });
    expect(smooth.find((s) => s.name === 'stdev')).toMatchObject({ type: 'number', min: 0, max: 10, default: 0.15 });
    expect(smooth.find((s) => s.name === 'variant')).toMatchObject({ type: 'enum', default: 'mean' });
    expect(smooth.map((s) => s.name)).not.toContain('baseOptions');
    const ig = describeOptions(getMethod('integrated-gradients').options);
    const baseline = ig.find((s) => s.name === 'baseline');
    expect(baseline).toMatchObject({ type: 'enum', default: 'black' });
    expect(baseline?.type === 'enum' && baseline.values).toContain('black');
    expect(describeOptions(getMethod('grad-cam').options)).toEqual([{ name: 'layer', label: 'Layer', type: 'layer' }]);
    expect(describeOptions(getMethod('vanilla-gradient').options)).toEqual([]);
  });
});
