/**
 * What the live dissection figure (dissection-element.ts) says, as pure functions of the worker's
 * answer: the progress line, the summary of a layer, which layers a model offers, and the URL of a
 * unit's feature visualization in the gallery. No DOM, so they are unit-tested in Node.
 */
import type { DissectionFrame, DissectionResponse } from '../concepts/protocol';
import type { GalleryIndexFile } from './gallery-index';
import type { ModelSummary } from '../workers/protocol';

const n = (x: number) => x.toLocaleString('en');

/** "Pass 1 of 2 (thresholds): 320 of 1,000 images" from a frame of `done` of `total` = 2 x images. */
export function progressText(frame: DissectionFrame): string {
  const images = frame.total / 2;
  const second = frame.done > images;
  const done = second ? frame.done - images : frame.done;
  return `Pass ${second ? 2 : 1} of 2 (${second ? 'IoU with every concept mask' : 'thresholds'}): ${n(done)} of ${n(images)} images`;
}

/** "shapes-cnn, conv2, 1,000 probe images: 21 of 32 units are detectors (cue 20 (4 distinct), colour 1 (1))." */
export function summaryText(r: Pick<DissectionResponse, 'model' | 'layer' | 'count' | 'units' | 'unitsInLayer' | 'detectors'>): string {
  const detectors = r.detectors.reduce((s, d) => s + d.units, 0);
  const parts = r.detectors.filter((d) => d.units > 0).map((d) => `${d.category} ${d.units} (${d.unique} distinct)`);
  return `${r.model}, ${r.layer}, ${n(r.count)} probe images: ${detectors} of ${r.unitsInLayer} units are detectors (IoU > 0.04)${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}

/** The layers a model offers for dissection: its conv layers (read at their BN/ReLU output), in order. */
export function dissectableLayers(summary: Pick<ModelSummary, 'id' | 'layers'>): string[] {
  return summary.layers.filter((l) => l.kind === 'conv' && l.outputShape.length === 3).map((l) => l.name);
}

/** The layer to show: the asked one when the model has it (else the worker's error explains), else the first conv layer. */
export function chooseLayer(summary: Pick<ModelSummary, 'id' | 'layers'>, asked: string | undefined): string {
  const convs = dissectableLayers(summary);
  if (asked !== undefined && asked !== '') return asked;
  if (convs.length === 0) throw new Error(`model '${summary.id}' has no conv layer with a spatial [h, w, c] output to dissect; its layers: ${summary.layers.map((l) => `${l.name} [${l.outputShape.join(', ')}]`).join(', ')}`);
  return convs[0];
}

/** Site URL of a unit's feature visualization, when the gallery index has it. */
export function galleryImage(index: GalleryIndexFile | undefined, galleryBase: string, layer: string, unit: number): string | undefined {
  const file = index?.units.find((u) => u.id === `${layer}:${unit}`)?.file;
  return file === undefined ? undefined : `${galleryBase.replace(/\/$/, '')}/${file}`;
}
