/**
 * <glimpse-feature-vis>: live feature visualization in the compute worker. mode="visualize" (the
 * default) optimizes an image for the unit the reader picks and repaints it as it forms, with
 * toggles for every regularizer and parameterization; mode="deepdream" dreams on the chosen or
 * uploaded image; mode="invert" reconstructs the image from each conv layer in turn. Frames arrive
 * through a Comlink proxy (client.synthesize); any change restarts the run, Stop cancels it.
 */
import { getClient } from '../workers/client';
import type { SynthImage, SynthesisFrame, SynthesisTask } from '../synthesis/protocol';
import type { ModelSummary } from '../workers/protocol';
import { formatRate, parseLayers, presetOf, PRESET_LABELS, PRESET_NAMES, toRequest, type LayerChoice, type Settings } from './feature-vis-state';
import { defaultBases } from './figure-props';
import { layersAttribute, type GalleryIndexFile } from './gallery-index';
import { el, field, LiveFigure, type FrameRefs } from './live-figure';
import { paint } from './saliency-view';

const TASKS: Record<string, SynthesisTask> = { visualize: 'visualize', deepdream: 'deepdream', invert: 'invert' };

function checkbox(checked: boolean): HTMLInputElement {
  const c = el('input');
  c.type = 'checkbox';
  c.checked = checked;
  return c;
}

function range(min: number, max: number, step: number, value: number): HTMLInputElement {
  const r = el('input');
  r.type = 'range';
  Object.assign(r, { min: String(min), max: String(max), step: String(step), value: String(value) });
  return r;
}

/** A slider with its value beside it (the article says "set Images to 4": the reader must see 4). */
function withReadout(input: HTMLInputElement): HTMLElement {
  const row = el('span', 'gs-option-row');
  const readout = el('output', 'gs-readout');
  const show = (): void => { readout.textContent = input.value; };
  show();
  input.addEventListener('input', show);
  // Presets set values from code: they dispatch 'input' too (see the preset handler).
  row.append(input, readout);
  return row;
}

class FeatureVisElement extends LiveFigure {
  private task: SynthesisTask = 'visualize';
  private layers: LayerChoice[] = [];
  private settings: Settings = presetOf('lucid');
  private running?: { cancel(): void };
  /** The last finished run (tests and the e2e helpers' settle() read it). */
  lastResult?: { steps: number; cancelled: boolean; stepsPerSecond: number; backend: string; scores: number[] };
  private runId = 0;
  private ui?: {
    layer: HTMLSelectElement; channel: HTMLInputElement; preset: HTMLSelectElement; stop: HTMLButtonElement;
    toggles: Record<'fourier' | 'decorrelate' | 'sigmoid' | 'transforms', HTMLInputElement>;
    sliders: Record<'l2' | 'tv' | 'blurEvery' | 'batch' | 'diversity' | 'steps', HTMLInputElement>;
    outputs: HTMLElement; progress: HTMLElement;
  };

  protected buildBody(refs: FrameRefs): void {
    this.task = TASKS[this.getAttribute('mode') ?? 'visualize'] ?? 'visualize';
    this.settings = { ...presetOf(this.getAttribute('preset')), ...(this.getAttribute('steps') ? { steps: Number(this.getAttribute('steps')) } : {}) };
    this.layers = parseLayers(this.getAttribute('layers'));
    const layer = el('select', 'gfv-layer');
    const channel = el('input', 'gfv-channel');
    channel.type = 'number';
    channel.min = '0';
    const preset = el('select', 'gfv-preset');
    for (const p of PRESET_NAMES) preset.append(new Option(PRESET_LABELS[p], p, false, p === (this.getAttribute('preset') ?? 'lucid')));
    const stop = el('button', 'gs-button gfv-stop', 'Stop');
    stop.type = 'button';
    const s = this.settings;
    const toggles = { fourier: checkbox(s.fourier), decorrelate: checkbox(s.decorrelate), sigmoid: checkbox(s.sigmoid), transforms: checkbox(s.transforms) };
    const sliders = {
      l2: range(0, 20, 0.5, s.l2), tv: range(0, 20, 0.5, s.tv), blurEvery: range(0, 16, 1, s.blurEvery),
      batch: range(1, 6, 1, s.batch), diversity: range(0, 20, 1, s.diversity), steps: range(16, 512, 16, s.steps),
    };
    const outputs = el('div', 'gfv-outputs');
    const progress = el('p', 'gfv-progress');
    progress.setAttribute('aria-live', 'off');
    this.ui = { layer, channel, preset, stop, toggles, sliders, outputs, progress };

    const row = el('div', 'gfv-row');
    if (this.task === 'visualize') row.append(field('Layer', layer), field('Channel', channel));
    else row.append(field('Layer', layer));
    // Recipes are unit-visualization settings; DeepDream and inversion have their own (src/synthesis/methods).
    if (this.task === 'visualize') row.append(field('Recipe', preset));
    // DeepDream and inversion start from an image: the frame's upload button (and drop) give your own.
    const upload = refs.fileInput.parentElement;
    if (this.task !== 'visualize' && upload) row.append(upload);
    stop.disabled = true;
    row.append(stop);
    const knobs = el('div', 'gfv-knobs');
    if (this.task === 'visualize') {
      knobs.append(
        field('Fourier basis', toggles.fourier), field('Decorrelated colour', toggles.decorrelate),
        field('Sigmoid (else clip)', toggles.sigmoid), field('Transforms', toggles.transforms),
        field('L2', withReadout(sliders.l2)), field('Total variation', withReadout(sliders.tv)), field('Blur every k steps', withReadout(sliders.blurEvery)),
        field('Images', withReadout(sliders.batch)), field('Diversity', withReadout(sliders.diversity)),
      );
    }
    knobs.append(field('Steps', withReadout(sliders.steps)));
    refs.controls.replaceChildren(row, knobs);
    const input = el('div', 'gfv-input');
    input.append(refs.inputCanvas, refs.inputCaption);
    refs.body.replaceChildren(...(this.task === 'visualize' ? [] : [input]), outputs, progress);
    // A unit's image starts from noise: the sample picker and input panel are for the other modes.
    if (this.task === 'visualize') this.querySelector<HTMLElement>('.gs-picker')?.style.setProperty('display', 'none');

    const restart = (): void => void this.compute();
    preset.addEventListener('change', () => {
      const p = presetOf(preset.value);
      this.settings = { ...p, steps: this.settings.steps, batch: this.settings.batch, diversity: this.settings.diversity };
      for (const k of Object.keys(toggles) as Array<keyof typeof toggles>) toggles[k].checked = this.settings[k];
      for (const k of ['l2', 'tv', 'blurEvery'] as const) {
        sliders[k].value = String(this.settings[k]);
        sliders[k].dispatchEvent(new Event('input'));
      }
      restart();
    });
    for (const k of Object.keys(toggles) as Array<keyof typeof toggles>) {
      toggles[k].addEventListener('change', () => {
        this.settings = { ...this.settings, [k]: toggles[k].checked };
        restart();
      });
    }
    for (const k of Object.keys(sliders) as Array<keyof typeof sliders>) {
      sliders[k].addEventListener('change', () => {
        this.settings = { ...this.settings, [k]: Number(sliders[k].value) };
        restart();
      });
    }
    layer.addEventListener('change', () => {
      this.updateChannelMax();
      restart();
    });
    channel.addEventListener('change', restart);
    stop.addEventListener('click', () => this.running?.cancel());
  }

  /** Shows `layer`:`channel` ("class" for a logit) and optimizes it: what a gallery click asks for. */
  showUnit(layer: string, channel: number): void {
    const ui = this.ui;
    if (!ui || this.task !== 'visualize' || ![...ui.layer.options].some((o) => o.value === layer)) return;
    ui.layer.value = layer;
    this.updateChannelMax();
    ui.channel.value = String(channel);
    void this.compute();
  }

  /** The layer list without a `layers` attribute (a script-tag embed): from the model's gallery index. */
  private async loadLayers(model: string): Promise<LayerChoice[]> {
    const base = new URL(this.getAttribute('data-base') ?? defaultBases().data, location.href).href.replace(/\/$/, '');
    const url = `${base}/gallery/${model}.json`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`model '${model}' has no feature-visualization gallery index at ${url} (HTTP ${res.status}); its layer list comes from there`);
    return parseLayers(layersAttribute(await res.json() as GalleryIndexFile));
  }

  protected async modelReady(summary: ModelSummary): Promise<void> {
    const ui = this.ui;
    if (!ui) return;
    if (this.layers.length === 0) this.layers = await this.loadLayers(summary.id);
    ui.layer.replaceChildren();
    if (this.task === 'invert') ui.layer.append(new Option('every conv layer, in turn', '*'));
    for (const l of this.layers) ui.layer.append(new Option(`${l.name} (${l.channels} channels)`, l.name));
    if (this.task === 'visualize') ui.layer.append(new Option(`class logits (${summary.numClasses})`, 'class'));
    const wanted = this.getAttribute('unit')?.split(':') ?? [];
    if (wanted[0] && [...ui.layer.options].some((o) => o.value === wanted[0])) ui.layer.value = wanted[0];
    else if (this.getAttribute('layer')) ui.layer.value = this.getAttribute('layer')!;
    ui.channel.value = wanted[1] ?? '0';
    this.updateChannelMax();
  }

  private updateChannelMax(): void {
    const ui = this.ui;
    if (!ui || !this.summary) return;
    const max = ui.layer.value === 'class' ? this.summary.numClasses : this.layers.find((l) => l.name === ui.layer.value)?.channels ?? 1;
    ui.channel.max = String(max - 1);
    if (Number(ui.channel.value) > max - 1) ui.channel.value = String(max - 1);
  }

  private drawImages(images: SynthImage[], labels: string[]): void {
    const ui = this.ui;
    if (!ui) return;
    while (ui.outputs.children.length > images.length) ui.outputs.lastElementChild?.remove();
    images.forEach((img, i) => {
      let cell = ui.outputs.children[i] as HTMLElement | undefined;
      if (!cell) {
        cell = el('div', 'gfv-cell');
        const c = el('canvas', 'gfv-canvas');
        cell.append(c, el('div', 'gs-caption'));
        ui.outputs.append(cell);
      }
      const canvas = cell.querySelector('canvas')!;
      paint(canvas, img.data, img.width, img.height);
      canvas.setAttribute('aria-label', labels[i] ?? 'synthesized image');
      cell.querySelector('.gs-caption')!.textContent = labels[i] ?? '';
    });
  }

  protected async compute(): Promise<void> {
    const { props, ui, summary } = this;
    if (!props || !ui || !summary) return;
    this.running?.cancel();
    const id = ++this.runId;
    const ref = { model: props.model, modelsBase: props.modelsBase };
    const layers = this.task === 'invert' && ui.layer.value === '*' ? this.layers.map((l) => l.name) : [ui.layer.value];
    this.setState('loading');
    ui.stop.disabled = false;
    const results: SynthImage[] = [];
    const labels: string[] = [];
    try {
      for (const layer of layers) {
        const target = this.task === 'visualize' ? { unit: `${layer}:${ui.channel.value}` } : { layer };
        const request = { ...toRequest(this.settings, this.task, ref, target), ...(this.task === 'visualize' ? {} : { image: this.baseRequest()!.image }) };
        const what = this.task === 'visualize' ? `${layer} ${layer === 'class' ? summary.labels[Number(ui.channel.value)] : `channel ${ui.channel.value}`}` : `${this.task === 'invert' ? 'from' : 'at'} ${layer}`;
        const onFrame = (f: SynthesisFrame): void => {
          if (id !== this.runId) return;
          const value = f.values.length ? ` · objective ${(f.values.reduce((a, b) => a + b, 0) / f.values.length).toFixed(3)}` : '';
          ui.progress.textContent = `${what}: step ${f.step} / ${f.steps} · ${formatRate(f.stepsPerSecond)}${value}`;
          if (f.images) this.drawImages([...results, ...f.images], [...labels, ...f.images.map(() => what)]);
        };
        const run = getClient().synthesize(request, onFrame);
        this.running = run;
        const result = await run.result;
        if (id !== this.runId) return;
        results.push(...result.images);
        labels.push(...result.images.map((_, i) => `${what}${result.scores[i] === undefined ? '' : ` · ${this.task === 'invert' ? 'feature distance' : 'activation'} ${result.scores[i].toFixed(3)}`}`));
        this.drawImages(results, labels);
        ui.progress.textContent = `${what}: ${result.cancelled ? 'stopped at' : 'done,'} step ${result.steps} · ${formatRate(result.stepsPerSecond)} on ${result.backend}`;
        this.lastResult = { steps: result.steps, cancelled: result.cancelled, stepsPerSecond: result.stepsPerSecond, backend: result.backend, scores: result.scores };
        if (result.cancelled) break;
      }
      this.setState('ready');
    } catch (error) {
      if (id === this.runId) this.fail(error, `feature visualization (${this.task})`);
    } finally {
      // Nothing left to stop once the newest run has ended (a superseded run leaves it to its successor).
      if (id === this.runId) ui.stop.disabled = true;
    }
  }
}

if (!customElements.get('glimpse-feature-vis')) customElements.define('glimpse-feature-vis', FeatureVisElement);
