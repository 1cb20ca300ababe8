/**
 * <glimpse-adversarial>: attack the figure's image live. The reader picks the attack, the bound ε
 * (slider, in 1/255 steps) and a class to fool the model into (or none: untargeted); the figure
 * shows the original, the perturbation magnified 10x and rescaled to the full range, the adversarial
 * image, both top-5 predictions and the saliency of each image for its own top-1 class. Every slider
 * move sends a request under the figure's key, so the client cancels the superseded one.
 */
import type { AttackChoice, AttackResponse } from '../adversarial/protocol';
import { attributionToRGBA } from '../render/heatmap';
import { CancelledError, getClient } from '../workers/client';
import type { ModelSummary } from '../workers/protocol';
import { epsLabel, magnify, pixelsToRGBA, rescale, summaryText } from './adversarial-logic';
import { backendLabel } from './backend-label';
import { el, field, LiveFigure, type FrameRefs } from './live-figure';
import { frameParts, paint, renderBars } from './saliency-view';

function panel(caption: string, label: string): { box: HTMLElement; canvas: HTMLCanvasElement; caption: HTMLElement } {
  const box = el('div', 'gs-panel');
  const canvas = el('canvas', 'gs-canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const cap = el('div', 'gs-caption', caption);
  box.append(canvas, cap);
  return { box, canvas, caption: cap };
}

export class AdversarialElement extends LiveFigure {
  /** The last result shown (read by the e2e test). */
  lastResult?: AttackResponse;
  private attacks: AttackChoice[] = [];
  private attack = 'pgd';
  private eps255 = 8;
  private attackSelect?: HTMLSelectElement;
  private slider?: HTMLInputElement;
  private readout?: HTMLOutputElement;
  private panels: Record<'pert10' | 'pertScaled' | 'adversarial' | 'salOriginal' | 'salAdversarial', ReturnType<typeof panel>> | undefined;
  private barsOriginal?: HTMLOListElement;
  private barsAdversarial?: HTMLOListElement;
  private summary2?: HTMLElement;

  protected buildFrame(root: HTMLElement): FrameRefs {
    const parts = frameParts();
    const controls = el('div', 'gs-controls');
    root.replaceChildren(controls, parts.body, parts.picker, parts.status, parts.error);
    root.classList.add('gs-figure');
    return { ...parts, controls };
  }

  protected buildBody(refs: FrameRefs): void {
    this.attack = this.getAttribute('attack') ?? 'pgd';
    const eps = Number(this.getAttribute('eps'));
    if (Number.isFinite(eps) && eps >= 0 && eps <= 64) this.eps255 = eps;
    this.attackSelect = el('select', 'gs-attack');
    this.attackSelect.addEventListener('change', () => {
      this.attack = this.attackSelect!.value;
      this.syncControls();
      void this.compute();
    });
    this.slider = el('input', 'gs-eps');
    Object.assign(this.slider, { type: 'range', min: '0', max: '32', step: '1', value: String(this.eps255) });
    this.slider.setAttribute('aria-label', 'epsilon, in 1/255 steps');
    this.readout = el('output', 'gs-readout', `${this.eps255}/255`);
    this.slider.addEventListener('input', () => {
      this.eps255 = Number(this.slider!.value);
      this.readout!.textContent = `${this.eps255}/255`;
      void this.compute();
    });
    const row = el('span', 'gs-option-row');
    row.append(this.slider, this.readout);
    refs.controls.append(field('Attack', this.attackSelect), field('Epsilon (L-inf)', row), field('Fool into class', refs.targetSelect), refs.fileInput.parentElement!);
    const original = el('div', 'gs-panel');
    original.append(refs.inputCanvas, refs.inputCaption);
    this.panels = {
      pert10: panel('Perturbation × 10', 'perturbation magnified 10 times around grey'),
      pertScaled: panel('Perturbation, rescaled', 'perturbation rescaled to the full range'),
      adversarial: panel('Adversarial', 'adversarial image'),
      salOriginal: panel('Saliency, original', 'saliency map of the original image'),
      salAdversarial: panel('Saliency, adversarial', 'saliency map of the adversarial image'),
    };
    const images = el('div', 'gs-adv-row');
    images.append(original, this.panels.pert10.box, this.panels.pertScaled.box, this.panels.adversarial.box);
    this.barsOriginal = el('ol', 'gs-bars');
    this.barsAdversarial = el('ol', 'gs-bars');
    const predOriginal = el('div', 'gs-prediction');
    predOriginal.append(el('div', 'gs-caption', 'Original: top 5'), this.barsOriginal);
    const predAdversarial = el('div', 'gs-prediction');
    predAdversarial.append(el('div', 'gs-caption', 'Adversarial: top 5'), this.barsAdversarial);
    const second = el('div', 'gs-adv-row');
    second.append(this.panels.salOriginal.box, this.panels.salAdversarial.box, predOriginal, predAdversarial);
    this.summary2 = el('p', 'gs-adv-summary');
    this.summary2.setAttribute('aria-live', 'polite');
    refs.body.append(images, second, this.summary2);
  }

  protected async modelReady(summary: ModelSummary): Promise<void> {
    this.attacks = await getClient().op('attacks', undefined);
    const select = this.attackSelect!;
    select.replaceChildren(...this.attacks.map((a) => new Option(a.label, a.id, false, a.id === this.attack)));
    if (!this.attacks.some((a) => a.id === this.attack)) this.attack = this.attacks[0]?.id ?? 'pgd';
    const first = this.refs!.targetSelect.options[0];
    if (first) first.text = 'none (untargeted)';
    void summary;
    this.syncControls();
  }

  private syncControls(): void {
    const choice = this.attacks.find((a) => a.id === this.attack);
    if (this.slider) this.slider.disabled = choice?.hasEps === false;
    if (this.refs) this.refs.targetSelect.disabled = choice?.targeted === 'none';
  }

  protected async compute(): Promise<void> {
    const base = this.baseRequest();
    if (!base || !this.report) return;
    const choice = this.attacks.find((a) => a.id === this.attack);
    let target = choice?.targeted === 'none' ? undefined : base.target;
    // 'fool' needs a class: without one chosen, the original's runner-up.
    if (target === undefined && choice?.targeted === 'required') target = this.lastResult?.original[1]?.index ?? 0;
    const options = choice?.hasEps === false ? {} : { eps: this.eps255 / 255 };
    this.setState('loading');
    try {
      const result = await getClient().op('adversarial', { ...base, target, attack: this.attack, options, seed: 0 }, { key: this.key, priority: this.priority() });
      this.show(result, choice?.label ?? this.attack);
      this.succeed(this.statusLine(backendLabel({ ...this.report, backend: result.backend }, result.elapsedMs), getClient().timingOf(result)));
    } catch (error) {
      if (error instanceof CancelledError) return;
      this.fail(error, this.attack);
    }
  }

  private show(r: AttackResponse, label: string): void {
    const p = this.panels;
    if (!p) return;
    this.lastResult = r;
    const { width: w, height: h, channels: c } = r.attack;
    paint(p.pert10.canvas, pixelsToRGBA(magnify(r.attack.perturbation, 10), w, h, c), w, h);
    paint(p.pertScaled.canvas, pixelsToRGBA(rescale(r.attack.perturbation), w, h, c), w, h);
    paint(p.adversarial.canvas, pixelsToRGBA(r.attack.adversarial, w, h, c), w, h);
    p.adversarial.caption.textContent = `Adversarial · ${r.adversarial[0].label}`;
    for (const [key, map] of [['salOriginal', r.saliency.original], ['salAdversarial', r.saliency.adversarial]] as const) {
      paint(p[key].canvas, attributionToRGBA(map, r.saliency.display).rgba, map.width, map.height);
      p[key].caption.textContent = `Saliency, ${key === 'salOriginal' ? 'original' : 'adversarial'} (${r.model.labels[map.target]})`;
    }
    renderBars(this.barsOriginal!, r.original, r.original[0].index);
    renderBars(this.barsAdversarial!, r.adversarial, r.attack.target ?? r.adversarial[0].index);
    this.summary2!.textContent = summaryText(r, label);
    this.dataset.epsShown = epsLabel(r.attack.eps);
  }
}

if (!customElements.get('glimpse-adversarial')) customElements.define('glimpse-adversarial', AdversarialElement);

declare global {
  interface HTMLElementTagNameMap {
    'glimpse-adversarial': AdversarialElement;
  }
}
