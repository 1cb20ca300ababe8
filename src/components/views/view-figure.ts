/**
 * Base of the views figures (<glimpse-activations>, <glimpse-top-patches>, ...): starts once the
 * figure is within 300 px of the viewport, reads the shared attributes (model, group, models-base,
 * data-base), subscribes to the group's store, and shows errors in the reader's terms, naming the
 * model and layer, with Retry; the rest of the page keeps working. `data-state`: idle | loading | ready | error.
 */
import { defaultBases } from '../figure-props';
import { blobToPixels } from '../upload';
import { h } from './dom';
import { viewStore, type Selection, type ViewStore } from './store';
import { whenNear } from '../when-near';

export abstract class ViewFigure extends HTMLElement {
  protected store!: ViewStore;
  protected body!: HTMLElement;
  private errorBox!: HTMLElement;
  private statusLine!: HTMLElement;
  private started = false;
  private unsubscribe?: () => void;

  get model(): string {
    return this.getAttribute('model') ?? 'fashion-cnn';
  }

  get modelsBase(): string {
    return new URL(this.getAttribute('models-base') ?? defaultBases().models, location.href).href.replace(/\/$/, '');
  }

  get dataBase(): string {
    return new URL(this.getAttribute('data-base') ?? defaultBases().data, location.href).href.replace(/\/$/, '');
  }

  connectedCallback(): void {
    if (this.body) return;
    this.store = viewStore(this.getAttribute('group') ?? this.model);
    this.dataset.state = 'idle';
    this.body = h('div', 'gv-body');
    this.errorBox = h('div', 'gv-error');
    this.errorBox.hidden = true;
    this.statusLine = h('div', 'gv-status');
    this.replaceChildren(this.body, this.errorBox, this.statusLine);
    whenNear(this, () => void this.begin());
  }

  disconnectedCallback(): void {
    this.unsubscribe?.();
  }

  private async begin(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.dataset.state = 'loading';
    try {
      await this.start();
      this.unsubscribe = this.store.subscribe((s, changed) => void this.guard(() => this.update(s, changed)));
      await this.guard(() => this.update(this.store.get(), ['image', 'layer', 'channel']));
    } catch (err) {
      this.fail(err);
    }
  }

  /** Builds the figure's DOM and loads what it needs once. */
  protected abstract start(): Promise<void>;

  /** Redraws after a store change. */
  protected abstract update(state: Selection, changed: Array<keyof Selection>): Promise<void> | void;

  protected async guard(f: () => Promise<void> | void): Promise<void> {
    try {
      this.dataset.state = 'loading';
      await f();
      this.errorBox.hidden = true;
      this.dataset.state = 'ready';
    } catch (err) {
      this.fail(err);
    }
  }

  protected status(text: string): void {
    this.statusLine.textContent = text;
  }

  protected fail(err: unknown): void {
    const e = err as { message?: string; model?: string; layer?: string };
    const details = [`model ${e.model ?? this.model}`, ...(e.layer ? [`layer ${e.layer}`] : []), ...(this.store?.get().layer ? [`selected layer ${this.store.get().layer}`] : [])];
    const retry = h('button', 'gv-retry', 'Retry');
    retry.type = 'button';
    retry.addEventListener('click', () => {
      this.started = false;
      this.unsubscribe?.();
      void this.begin();
    });
    this.errorBox.replaceChildren(h('strong', undefined, 'This figure could not be drawn. '), h('span', 'gv-error-message', e.message ?? String(err)), h('span', 'gv-error-details', ` (${details.join(', ')})`), retry);
    this.errorBox.hidden = false;
    this.dataset.state = 'error';
  }

  /** An "Upload an image…" control that puts the reader's image in the store. */
  protected uploadControl(width: number, height: number): HTMLElement {
    const input = h('input');
    input.type = 'file';
    input.accept = 'image/*';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (!file) return;
      void this.guard(async () => {
        const pixels = await blobToPixels(file, file.name, width, height);
        this.store.set({ image: { upload: pixels, name: file.name } });
      });
      input.value = '';
    });
    const label = h('label', 'gv-upload');
    label.append(h('span', 'gv-button', 'Upload an image…'), input);
    label.title = 'Your image stays in your browser.';
    return label;
  }
}
