// Study files: the shipped ones validate and resolve on their models; bad files fail naming the
// file, the field and the allowed values; `glimpse new study` writes one that validates as it is.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newStudy, unitLayersOf } from '../../src/cli/new-study';
import { listStudies, loadStudy, parseStudy } from '../../src/experiment/load-study';
import { checkManifest } from '../../src/experiment/stimuli/check';
import { poolNeeded, resolveStudy } from '../../src/experiment/stimuli/resolve';
import type { LayerInfo, ModelInfo } from '../../src/model/types';

/** A layer table like shapes-cnn's: conv -> bn -> relu, four blocks with 16..128 channels. */
function fakeInfo(id = 'shapes-cnn', withBn = true): ModelInfo {
  const layers: LayerInfo[] = [{ name: 'input', className: 'InputLayer', kind: 'input', outputShape: [64, 64, 3], inputs: [] }];
  [16, 32, 64, 128].forEach((c, i) => {
    const s = 64 >> i;
    layers.push({ name: `conv${i + 1}`, className: 'Conv2D', kind: 'conv', outputShape: [s, s, c], inputs: [] });
    if (withBn) layers.push({ name: `bn${i + 1}`, className: 'BatchNormalization', kind: 'norm', outputShape: [s, s, c], inputs: [] });
    layers.push({ name: `relu${i + 1}`, className: 'Activation', kind: 'activation', outputShape: [s, s, c], inputs: [] });
  });
  return { id, inputShape: [64, 64, 3], numClasses: 6, labels: [], preprocessing: { range: [0, 1] }, layers, logitsLayer: 'logits' };
}

const MINIMAL = `title: T
model: shapes-cnn
units: { list: [bn1:1, bn2:2] }
catchUnits: [bn4:5]
practiceUnits: [bn4:6]
trials: { main: 2, catch: 1, practice: 1 }
consent: ok
instructions: [do it]
`;

describe('study files', () => {
  it('ships causal-understanding (18 units from bn1-bn4) and a fashion-cnn study, both valid', () => {
    expect(listStudies()).toEqual(expect.arrayContaining(['causal-understanding', 'fashion-features']));
    const study = loadStudy('causal-understanding');
    const units = resolveStudy(study, fakeInfo());
    expect(units.main).toHaveLength(18);
    expect(new Set(units.main.map((u) => u.layer))).toEqual(new Set(['bn1', 'bn2', 'bn3', 'bn4']));
    expect(study.occluder).toEqual({ fraction: 0.4, stride: 2 });
    expect(poolNeeded(study)).toBe(200);
    expect(loadStudy('fashion-features').model).toBe('fashion-cnn');
  });

  it('ships stimuli that are current for every shipped study (edit a study, run glimpse experiment build)', () => {
    for (const id of listStudies()) {
      const fresh = checkManifest(loadStudy(id));
      expect(fresh.current ? 'current' : `${id}: ${fresh.reason}`).toBe('current');
    }
  });

  it('fills defaults with the authors\' constants', () => {
    const s = parseStudy(MINIMAL, 'x');
    expect(s.imageSets).toBe(10);
    expect(s.references).toEqual({ count: 9, mixedSynthetic: 4, binSize: 20 });
    expect(s.exclusion.totalSeconds).toEqual([90, 900]);
    expect(s.synthesis.diversity).toBe(100);
  });

  it('fails naming the file, the field and the allowed values', () => {
    expect(() => parseStudy(MINIMAL.replace('[bn1:1, bn2:2]', '[bn1-1]'), 'x')).toThrow(/x\.yaml: field 'units(\.list\.0)?'/);
    expect(() => parseStudy(MINIMAL + 'conditions: [synthetic, dreams]\n', 'x')).toThrow(/field 'conditions\.1': .*'synthetic' \| 'natural' \| 'mixed' \| 'blur' \| 'none'/);
    const info = fakeInfo();
    expect(() => resolveStudy(parseStudy(MINIMAL.replace('bn2:2', 'bn9:2'), 'x'), info)).toThrow(
      "x.yaml: field 'units.list.1': model 'shapes-cnn' has no bn layer 'bn9'; allowed (activationKind 'bn'): bn1 (channels 0-15), bn2 (channels 0-31), bn3 (channels 0-63), bn4 (channels 0-127)",
    );
    expect(() => resolveStudy(parseStudy(MINIMAL.replace('bn1:1', 'bn1:16'), 'x'), info)).toThrow("field 'units.list.0': layer 'bn1' of model 'shapes-cnn' has channels 0-15; got 16");
    expect(() => resolveStudy(parseStudy(MINIMAL.replace('bn4:5]', 'relu4:5]'), 'x'), info)).toThrow("field 'catchUnits.0': model 'shapes-cnn' has no bn layer 'relu4'");
    expect(() => resolveStudy(parseStudy(MINIMAL, 'x'), fakeInfo('plain', false))).toThrow("field 'activationKind': model 'shapes-cnn' has no bn layer with a 4-D output; allowed here: conv, relu");
    expect(() => resolveStudy(parseStudy(MINIMAL.replace('main: 2', 'main: 3'), 'x'), info)).toThrow("field 'trials.main': 3 main trials, but the study has 2 units");
    expect(() => resolveStudy(parseStudy(MINIMAL + 'imageSets: 30\n', 'x'), info)).toThrow("field 'imageSets': 30 image sets need a different image per rank bin each: at most references.binSize (20)");
  });

  it('draws "n per layer" units with a seed, reproducibly, never a catch or practice unit', () => {
    const rule = MINIMAL.replace('{ list: [bn1:1, bn2:2] }', '{ perLayer: 3, layers: [bn1, bn3], seed: 7 }').replace('main: 2', 'main: 6');
    const a = resolveStudy(parseStudy(rule, 'x'), fakeInfo()).main.map((u) => u.id);
    const b = resolveStudy(parseStudy(rule, 'x'), fakeInfo()).main.map((u) => u.id);
    expect(a).toEqual(b);
    expect(a.filter((u) => u.startsWith('bn1:'))).toHaveLength(3);
    expect(a.filter((u) => u.startsWith('bn3:'))).toHaveLength(3);
    const c = resolveStudy(parseStudy(rule.replace('seed: 7', 'seed: 8'), 'x'), fakeInfo()).main.map((u) => u.id);
    expect(c).not.toEqual(a);
  });

  it('glimpse new study scaffolds a file that validates and resolves on shapes-cnn and fashion-cnn', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glimpse-study-'));
    const [file] = await newStudy('my-study', { root });
    expect(file).toBe('content/studies/my-study.yaml');
    const study = loadStudy(join(root, file));
    expect(study.id).toBe('my-study');
    expect(resolveStudy(study, fakeInfo()).main).toHaveLength(8);
    await expect(newStudy('my-study', { root })).rejects.toThrow('content/studies/my-study.yaml already exists');
    await expect(newStudy('My Study', { root })).rejects.toThrow("study id 'My Study' is not allowed");
    const [fashion] = await newStudy('f', { root, model: 'fashion-cnn' });
    expect(readFileSync(join(root, fashion), 'utf8')).toContain('layers: [bn1, bn2, bn3, bn4, bn5]');
    expect(unitLayersOf(join(process.cwd(), 'public/models/shapes-cnn/model.json'), 'shapes-cnn')).toEqual({
      kind: 'bn', layers: [{ name: 'bn1', channels: 16 }, { name: 'bn2', channels: 32 }, { name: 'bn3', channels: 64 }, { name: 'bn4', channels: 128 }],
    });
  });
});
