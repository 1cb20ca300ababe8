/**
 * A model's feature-visualization gallery index (public/data/gallery/<model>.json, written by
 * `glimpse gallery`) as plain data: which conv layers and classes it covers, grouped for display.
 * Pure, so the build (FeatureGallery.astro, through feature-gallery.ts) and the browser (the
 * script-tag embed of <glimpse-feature-gallery> and <glimpse-feature-vis>) read it the same way.
 */
import type { GalleryIndexUnit } from '../synthesis/gallery/index-check';

/** One unit of a gallery index, as the gallery build writes it. */
export type GalleryEntry = GalleryIndexUnit;

export interface GalleryIndexFile {
  model: string;
  config: { recipe: string; steps: number; seed: number; learningRate: number };
  inputShape: [number, number, number];
  units: GalleryEntry[];
}

/** Conv layers in index order with their channel counts. */
export function galleryLayers(index: GalleryIndexFile): Array<{ name: string; channels: number }> {
  const out: Array<{ name: string; channels: number }> = [];
  for (const u of index.units) {
    if (u.layer === undefined) continue;
    const last = out.at(-1);
    if (last?.name === u.layer) last.channels++;
    else out.push({ name: u.layer, channels: 1 });
  }
  return out;
}

/** Units grouped for display: one group per conv layer, then the classes. */
export function galleryGroups(index: GalleryIndexFile): Array<{ title: string; layer?: string; units: GalleryEntry[] }> {
  const groups: Array<{ title: string; layer?: string; units: GalleryEntry[] }> = galleryLayers(index).map((l) => (
    { title: `${l.name} · ${l.channels} channels`, layer: l.name, units: index.units.filter((u) => u.layer === l.name) }));
  const classes = index.units.filter((u) => u.class !== undefined);
  if (classes.length > 0) groups.push({ title: `classes · ${classes.length} logits`, units: classes });
  return groups;
}

/** "conv3:16,conv4:32": the `layers` attribute of <glimpse-feature-vis>. */
export function layersAttribute(index: GalleryIndexFile): string {
  return galleryLayers(index).map((l) => `${l.name}:${l.channels}`).join(',');
}

/** What the gallery says about a clicked unit, e.g. "conv3 channel 5 · activation 1.23". */
export function unitSummary(u: Pick<GalleryEntry, 'layer' | 'channel' | 'class' | 'label' | 'activation'>): string {
  const what = u.layer === undefined ? `class “${u.label ?? u.class}”` : `${u.layer} channel ${u.channel}`;
  return `${what}: ${u.layer === undefined ? 'logit' : 'mean activation'} ${u.activation.toFixed(2)} on its image`;
}
