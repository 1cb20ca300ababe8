/**
 * The reader's controls for a method's options (SmoothGrad's noise and samples, Grad-CAM's layer,
 * occlusion's patch and stride, RISE's mask count...). `planControls` decides what to draw from the
 * method's option specs (sent by the worker, read from the zod schema), the author's `controls`
 * attribute and the model's layer table; `renderControls` draws it. Values go back to the worker,
 * which validates them with the same schema.
 */
import type { OptionSpec } from '../methods/option-specs';
import type { ModelSummary } from '../workers/protocol';
import type { ControlRequest } from './figure-props';

/**
 * One control. `value` is what it shows, which is always what the map is computed with: the reader's
 * or author's value, else the schema default (clamped to the author's range, and then sent, since the
 * method's own default would differ), else what the method resolved from the input (occlusion's patch
 * size; known after the first map, undefined before).
 */
export type Control =
  | { name: string; label: string; kind: 'range'; min: number; max: number; step: number; value?: number }
  | { name: string; label: string; kind: 'number'; min?: number; max?: number; step: number; value?: number }
  | { name: string; label: string; kind: 'select'; choices: Array<{ value: string; label: string }>; value: string }
  | { name: string; label: string; kind: 'checkbox'; value: boolean };

/** Layers a spatial method can use: 4-D outputs ([h, w, c] without batch), not the input. */
export function spatialLayers(summary: Pick<ModelSummary, 'layers'>): string[] {
  return summary.layers.filter((l) => l.kind !== 'input' && l.outputShape.length === 3).map((l) => l.name);
}

/** Decimal places of a step, for the value readout (0.01 -> 2). */
export function decimals(step: number): number {
  const text = String(step);
  return text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
}

/**
 * Controls for `requests` that `specs` (the current method's options) has, in request order, with
 * values from `values` or the spec's default. Requests the method does not have are left out (the
 * reader may have switched to a method without them); `unknownRequests` lists them for errors.
 */
export function planControls(
  specs: OptionSpec[], requests: ControlRequest[], summary: Pick<ModelSummary, 'layers'>, values: Record<string, unknown>,
  resolved: Record<string, number | string> = {},
): Control[] {
  const out: Control[] = [];
  for (const request of requests) {
    const spec = specs.find((s) => s.name === request.name);
    if (!spec) continue;
    const { name, label } = spec;
    const given = values[name];
    if (spec.type === 'number' || spec.type === 'integer') {
      const min = request.min ?? spec.min;
      const max = request.max ?? spec.max;
      const integer = spec.type === 'integer';
      const own = resolved[name];
      const fromInput = typeof given !== 'number' && spec.default === undefined;
      const value = typeof given === 'number' ? given : spec.default ?? (typeof own === 'number' ? own : undefined);
      if (min !== undefined && max !== undefined && Number.isFinite(min) && Number.isFinite(max)) {
        const step = request.step ?? (integer ? 1 : Number(((max - min) / 100).toPrecision(1)));
        // A resolved value outside the author's range is shown as it is (the slider pins at its end).
        const shown = value === undefined || fromInput ? value : Math.min(max, Math.max(min, value));
        out.push({ name, label, kind: 'range', min, max, step, ...(shown === undefined ? {} : { value: shown }) });
      } else {
        out.push({ name, label, kind: 'number', ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }), step: request.step ?? (integer ? 1 : 0.01), ...(value === undefined ? {} : { value }) });
      }
    } else if (spec.type === 'enum') {
      const value = typeof given === 'string' ? given : spec.default ?? spec.values[0];
      out.push({ name, label, kind: 'select', choices: spec.values.map((v) => ({ value: v, label: v })), value });
    } else if (spec.type === 'layer') {
      const layers = spatialLayers(summary);
      const value = typeof given === 'string' && layers.includes(given) ? given : '';
      const own = typeof resolved.layer === 'string' ? resolved.layer : undefined;
      const choices = [{ value: '', label: own ? `default (${own})` : 'default (the method’s choice)' }, ...layers.map((l) => ({ value: l, label: l }))];
      out.push({ name, label, kind: 'select', choices, value });
    } else {
      out.push({ name, label, kind: 'checkbox', value: typeof given === 'boolean' ? given : spec.default === true });
    }
  }
  return out;
}

/**
 * The options to send for `controls`: the reader's `values`, plus every value a control shows that
 * the method would not pick by itself (schema defaults clamped to the author's range; defaults are
 * sent as well, harmlessly). Values the method resolved from the input are left for it to resolve.
 */
export function requestOptions(
  controls: Control[], values: Record<string, unknown>, resolved: Record<string, number | string> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const c of controls) {
    if (c.name in out || c.value === undefined || c.value === '' || (resolved[c.name] !== undefined && resolved[c.name] === c.value)) continue;
    out[c.name] = c.value;
  }
  return out;
}

/** Requests that no option of `specs` answers: an authoring mistake the figure reports. */
export function unknownRequests(specs: OptionSpec[], requests: ControlRequest[]): string[] {
  return requests.filter((r) => !specs.some((s) => s.name === r.name)).map((r) => r.name);
}

/** The value a control's element holds, typed as the option expects ('' = leave the option unset). */
function readValue(control: Control, input: HTMLInputElement | HTMLSelectElement): unknown {
  if (control.kind === 'checkbox') return (input as HTMLInputElement).checked;
  if (control.kind === 'select') return input.value === '' ? undefined : input.value;
  return input.value === '' ? undefined : Number(input.value);
}

/**
 * Draws `controls` into `container` (replacing what was there). `onInput` fires as a slider moves
 * (for the readout), `onChange` with the new value when the reader lets go or picks a choice.
 */
export function renderControls(
  container: HTMLElement, controls: Control[], idPrefix: string,
  onChange: (name: string, value: unknown) => void,
): void {
  container.replaceChildren();
  for (const control of controls) {
    const field = document.createElement('label');
    field.className = 'gs-field gs-option';
    const name = document.createElement('span');
    name.className = 'gs-field-name';
    name.textContent = control.label;
    field.append(name);
    let input: HTMLInputElement | HTMLSelectElement;
    if (control.kind === 'select') {
      const select = document.createElement('select');
      for (const choice of control.choices) select.add(new Option(choice.label, choice.value, false, choice.value === control.value));
      input = select;
    } else {
      const box = document.createElement('input');
      box.type = control.kind === 'checkbox' ? 'checkbox' : control.kind;
      if (control.kind === 'checkbox') box.checked = control.value;
      else {
        if (control.min !== undefined) box.min = String(control.min);
        if (control.max !== undefined) box.max = String(control.max);
        box.step = String(control.step);
        if (control.value !== undefined) box.value = String(control.value);
      }
      input = box;
    }
    input.id = `${idPrefix}-${control.name}`;
    input.dataset.option = control.name;
    const row = document.createElement('span');
    row.className = 'gs-option-row';
    row.append(input);
    if (control.kind === 'range') {
      const readout = document.createElement('output');
      readout.className = 'gs-readout';
      readout.htmlFor.add(input.id);
      // The readout shows the value the map used (a resolved one may lie outside the slider's range);
      // until the first map, one the method resolves from the input is unknown: 'auto'.
      const format = (v: number | string) => Number(v).toFixed(decimals(control.step));
      let touched = false;
      const show = () => { readout.textContent = touched ? format(input.value) : control.value === undefined ? 'auto' : format(control.value); };
      show();
      input.addEventListener('input', () => { touched = true; show(); });
      row.append(readout);
    }
    field.append(row);
    input.addEventListener('change', () => onChange(control.name, readValue(control, input)));
    container.append(field);
  }
  container.hidden = controls.length === 0;
}
