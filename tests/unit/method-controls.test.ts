/**
 * The figure's option controls: the `controls` attribute's grammar, and which control each option
 * gets (bounds from the author, else from the schema; layers from the model's table).
 */
import { describe, expect, it } from 'vitest';
import { decimals, planControls, requestOptions, spatialLayers, unknownRequests } from '../../src/components/method-controls';
import { parseControls, parseFigureProps } from '../../src/components/figure-props';
import type { OptionSpec } from '../../src/methods/option-specs';

const layers = [
  { name: 'input', kind: 'input', outputShape: [28, 28, 1] },
  { name: 'conv1', kind: 'conv', outputShape: [28, 28, 16] },
  { name: 'relu1', kind: 'activation', outputShape: [28, 28, 16] },
  { name: 'gap', kind: 'pool', outputShape: [16] },
  { name: 'logits', kind: 'dense', outputShape: [10] },
];
const specs: OptionSpec[] = [
  { name: 'samples', label: 'Samples', type: 'integer', min: 1, max: 10_000, default: 50 },
  { name: 'stdev', label: 'Noise', type: 'number', min: 0, max: 10, default: 0.15 },
  { name: 'ridge', label: 'ridge', type: 'number', min: 0, default: 1 },
  { name: 'variant', label: 'Variant', type: 'enum', values: ['mean', 'sq'], default: 'mean' },
  { name: 'layer', label: 'Layer', type: 'layer' },
];

describe('parseControls', () => {
  it('reads names, ranges and steps', () => {
    expect(parseControls('stdev:0..0.5, samples:1..100:5,layer')).toEqual([
      { name: 'stdev', min: 0, max: 0.5 }, { name: 'samples', min: 1, max: 100, step: 5 }, { name: 'layer' },
    ]);
    expect(parseControls(null)).toEqual([]);
  });
  it('rejects malformed entries naming the entry and the form', () => {
    expect(() => parseControls('stdev:0.5')).toThrow("'controls' entry 'stdev:0.5' is not of the form name, name:min..max or name:min..max:step");
    expect(() => parseControls('stdev:1..0')).toThrow('needs min < max');
  });
  it('options must be a JSON object', () => {
    const el = (attrs: Record<string, string>) => ({ getAttribute: (n: string) => attrs[n] ?? null });
    expect(parseFigureProps(el({ model: 'm', options: '{"stdev":0.2}' }), 'http://x/a/', 'k').options).toEqual({ stdev: 0.2 });
    expect(() => parseFigureProps(el({ model: 'm', options: '[1]' }), 'http://x/a/', 'k')).toThrow('must be a JSON object');
    expect(() => parseFigureProps(el({ model: 'm', options: '{stdev' }), 'http://x/a/', 'k')).toThrow('is not JSON');
  });
});

describe('planControls', () => {
  it('uses the author range over the schema range, integer steps, and given values', () => {
    const plan = planControls(specs, parseControls('samples:1..100, stdev, variant'), { layers }, { stdev: 0.3 });
    expect(plan).toEqual([
      { name: 'samples', label: 'Samples', kind: 'range', min: 1, max: 100, step: 1, value: 50 },
      { name: 'stdev', label: 'Noise', kind: 'range', min: 0, max: 10, step: 0.1, value: 0.3 },
      { name: 'variant', label: 'Variant', kind: 'select', choices: [{ value: 'mean', label: 'mean' }, { value: 'sq', label: 'sq' }], value: 'mean' },
    ]);
  });
  it('a default outside the author range is clamped; an unbounded number gets a number box', () => {
    const plan = planControls(specs, parseControls('samples:1..20, ridge'), { layers }, {});
    expect(plan[0]).toMatchObject({ kind: 'range', value: 20 });
    expect(plan[1]).toEqual({ name: 'ridge', label: 'ridge', kind: 'number', min: 0, step: 0.01, value: 1 });
  });
  it('offers the 4-D layers (not the input) and a default entry', () => {
    expect(spatialLayers({ layers })).toEqual(['conv1', 'relu1']);
    const [layer] = planControls(specs, parseControls('layer'), { layers }, { layer: 'relu1' });
    expect(layer).toMatchObject({ kind: 'select', value: 'relu1' });
    expect(layer.kind === 'select' && layer.choices.map((c) => c.value)).toEqual(['', 'conv1', 'relu1']);
  });
  it('leaves out options the method lacks, and reports them', () => {
    expect(planControls(specs.slice(0, 1), parseControls('samples, layer'), { layers }, {}).map((c) => c.name)).toEqual(['samples']);
    expect(unknownRequests(specs.slice(0, 1), parseControls('samples, layer, windowSize'))).toEqual(['layer', 'windowSize']);
  });
  it('an option the method sizes from the input shows what it resolved, never the range minimum', () => {
    // Occlusion's patch and stride have no schema default: 9 and 5 px on a 64 px image.
    const occ: OptionSpec[] = [
      { name: 'windowSize', label: 'Patch', type: 'integer', min: 1 },
      { name: 'stride', label: 'Stride', type: 'integer', min: 1 },
    ];
    const requests = parseControls('windowSize:2..24, stride:1..4');
    // Before the first map the value is unknown (the readout says 'auto'), not 2.
    expect(planControls(occ, requests, { layers }, {}).map((c) => c.value)).toEqual([undefined, undefined]);
    const plan = planControls(occ, requests, { layers }, {}, { windowSize: 9, stride: 5 });
    // 5 lies outside the author's 1..4 and is still shown as the value used.
    expect(plan.map((c) => c.value)).toEqual([9, 5]);
    // Resolved values are left for the method; a reader's value is sent.
    expect(requestOptions(plan, {}, { windowSize: 9, stride: 5 })).toEqual({});
    const moved = planControls(occ, requests, { layers }, { windowSize: 12 }, { stride: 6 });
    expect(moved.map((c) => c.value)).toEqual([12, 6]);
    expect(requestOptions(moved, { windowSize: 12 }, { stride: 6 })).toEqual({ windowSize: 12 });
  });
  it('sends a default the author range clamps, since the method would use the unclamped one', () => {
    const plan = planControls(specs, parseControls('samples:1..20, variant, layer'), { layers }, {});
    expect(requestOptions(plan, {})).toEqual({ samples: 20, variant: 'mean' });
  });
  it("names the layer a CAM chose in the picker's default entry", () => {
    const [layer] = planControls(specs, parseControls('layer'), { layers }, {}, { layer: 'relu1' });
    expect(layer.kind === 'select' && layer.choices[0]).toEqual({ value: '', label: 'default (relu1)' });
  });
  it('decimals of a step', () => {
    expect([decimals(1), decimals(0.1), decimals(0.005)]).toEqual([0, 1, 3]);
  });
});
