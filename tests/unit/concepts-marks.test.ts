/**
 * The mark check of issue 12 on the committed dissection caches (public/data/dissection), per
 * mark colour. The check as stated (a biased-model mark detector well above the clean
 * model's best mark IoU, any mark) fails: 0.299 vs 0.305. What holds is narrower: for the circle
 * class's mark (cue:circle, the red mark, the one TCAV finds significant for circle on the biased
 * model) the biased model has units labelled with it and the clean model has none, with a best
 * IoU 1.5x the clean model's. Per mark colour the picture is mixed (docs/concepts.md).
 * The IoUs are read from the layer files' unit x concept matrices, not from the figures' helpers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISSECTION_DIR } from '../../src/cli/dissect';

interface LayerFile { layer: string; iou: number[]; units: Array<{ unit: number; detector: boolean; label: { concept: number; iou: number } }> }
interface Index { vocabulary: { concepts: Array<{ id: string }> }; layers: Array<{ layer: string; file: string }> }

function load(model: string) {
  const index = JSON.parse(readFileSync(join(DISSECTION_DIR, `${model}.json`), 'utf8')) as Index;
  const ids = index.vocabulary.concepts.map((c) => c.id);
  const layers = index.layers.map((l) => JSON.parse(readFileSync(join(DISSECTION_DIR, l.file), 'utf8')) as LayerFile);
  /** The best IoU with concept `id` over the units of `layer` (default every layer). */
  const best = (id: string, layer?: string) => {
    const c = ids.indexOf(id);
    if (c < 0) throw new Error(`no concept '${id}' in ${model}'s vocabulary`);
    let top = { layer: '', unit: -1, iou: -1 };
    for (const l of layers.filter((x) => layer === undefined || x.layer === layer)) {
      l.units.forEach((u) => {
        const v = l.iou[u.unit * ids.length + c];
        if (v > top.iou) top = { layer: l.layer, unit: u.unit, iou: v };
      });
    }
    return top;
  };
  /** Detector units whose label (best concept overall) is `id`, as 'layer/unit'. */
  const labelled = (id: string) => layers.flatMap((l) => l.units.filter((u) => u.detector && ids[u.label.concept] === id).map((u) => `${l.layer}/${u.unit}`));
  const bestMark = () => ids.filter((id) => id.startsWith('cue:')).map((id) => best(id)).reduce((a, b) => (b.iou > a.iou ? b : a));
  return { ids, best, labelled, bestMark };
}

const clean = load('shapes-cnn');
const biased = load('shapes-cnn-biased');
const CLASS_MARKS = ['circle', 'square', 'triangle', 'star', 'cross', 'ring'].map((c) => `cue:${c}`);

describe('the mark check on the shipped dissection caches', () => {
  it('as the issue states it (any mark, best IoU): not met; the biased model 0.299 is below the clean 0.305', () => {
    expect(clean.bestMark().iou).toBeCloseTo(0.305, 3);
    expect(biased.bestMark().iou).toBeCloseTo(0.299, 3);
    expect(biased.bestMark().iou).toBeLessThan(clean.bestMark().iou);
  });

  it("circle's mark (cue:circle): best IoU 0.193 biased (conv1 unit 13) vs 0.130 clean (conv1 unit 0), 1.5x", () => {
    const b = biased.best('cue:circle');
    const c = clean.best('cue:circle');
    expect([b.layer, b.unit]).toEqual(['conv1', 13]);
    expect(b.iou).toBeCloseTo(0.193, 3);
    expect([c.layer, c.unit]).toEqual(['conv1', 0]);
    expect(c.iou).toBeCloseTo(0.130, 3);
    expect(b.iou / c.iou).toBeGreaterThan(1.4);
  });

  it("circle's mark: 4 biased-model detectors are labelled with it (conv1-conv3), none of the clean model's", () => {
    expect(biased.labelled('cue:circle')).toEqual(['conv1/0', 'conv1/13', 'conv2/5', 'conv3/20']);
    expect(clean.labelled('cue:circle')).toEqual([]);
    // The clean model's unit closest to it (conv1 unit 0) is labelled red: a colour unit that also overlaps the red mark.
    expect(clean.labelled('colour:red')).toContain('conv1/0');
  });

  it('every class mark labels a biased-model detector; the clean model lacks circle and ring', () => {
    expect(CLASS_MARKS.filter((id) => biased.labelled(id).length > 0)).toEqual(CLASS_MARKS);
    expect(CLASS_MARKS.filter((id) => clean.labelled(id).length === 0)).toEqual(['cue:circle', 'cue:ring']);
  });

  it('per mark colour the biased model is not uniformly better: higher for circle, triangle and ring, lower for star and cross', () => {
    const ratio = (id: string) => biased.best(id).iou / clean.best(id).iou;
    expect(CLASS_MARKS.filter((id) => ratio(id) > 1.1)).toEqual(['cue:circle', 'cue:triangle', 'cue:ring']);
    expect(CLASS_MARKS.filter((id) => ratio(id) < 1)).toEqual(['cue:star', 'cue:cross']);
  });

  it('conv4 (the layer the classifier reads): no mark detector on the biased model (best 0.013), 0.055 on the clean one', () => {
    const conv4 = (m: typeof clean) => Math.max(...['cue:cue', ...CLASS_MARKS].map((id) => m.best(id, 'conv4').iou));
    expect(conv4(biased)).toBeLessThan(0.04);
    expect(conv4(clean)).toBeCloseTo(0.055, 3);
  });
});
