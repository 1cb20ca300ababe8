/**
 * Units as text, the one syntax the CLI, the worker and the gallery share:
 *   "conv2:7"        channel 7 of layer conv2 (spatial mean)
 *   "conv2:7@3,4"    neuron: channel 7 at x 3, y 4 of conv2
 *   "class:3"        pre-softmax logit of class 3 (a class name works too: "class:circle")
 *   "deepdream:conv3" mean squared activation of a layer
 */
import type { ModelInfo } from '../model/types';
import { channel, classLogit, layerL2, neuron, type Objective } from './objectives';

export type Unit =
  | { kind: 'channel'; layer: string; channel: number }
  | { kind: 'neuron'; layer: string; channel: number; x: number; y: number }
  | { kind: 'class'; index: number }
  | { kind: 'deepdream'; layer: string };

const FORMS = "'layer:channel', 'layer:channel@x,y', 'class:index|name' or 'deepdream:layer'";

export function parseUnit(text: string, info: ModelInfo): Unit {
  const m = /^([^:@]+):([^@]+)(?:@(\d+),(\d+))?$/.exec(text.trim());
  if (m === null) throw new Error(`unit '${text}': expected ${FORMS}`);
  const [, head, tail, x, y] = m;
  if (head === 'class') {
    const byName = info.labels.indexOf(tail);
    const index = byName >= 0 ? byName : Number(tail);
    if (!Number.isInteger(index) || index < 0 || index >= info.numClasses) {
      throw new Error(`unit '${text}': model '${info.id}' has classes 0..${info.numClasses - 1} (${info.labels.join(', ')})`);
    }
    return { kind: 'class', index };
  }
  if (head === 'deepdream') return { kind: 'deepdream', layer: layerOf(tail, info, text).name };
  const layer = layerOf(head, info, text);
  const channels = layer.outputShape[layer.outputShape.length - 1];
  const index = Number(tail);
  if (!Number.isInteger(index) || index < 0 || index >= channels) {
    throw new Error(`unit '${text}': layer '${layer.name}' of model '${info.id}' has channels 0..${channels - 1}`);
  }
  if (x === undefined) return { kind: 'channel', layer: layer.name, channel: index };
  return { kind: 'neuron', layer: layer.name, channel: index, x: Number(x), y: Number(y) };
}

function layerOf(name: string, info: ModelInfo, text: string) {
  const layer = info.layers.find((l) => l.name === name);
  if (layer === undefined) {
    throw new Error(`unit '${text}': model '${info.id}' has no layer '${name}'; layers: ${info.layers.map((l) => l.name).join(', ')}`);
  }
  return layer;
}

export function unitToString(unit: Unit): string {
  switch (unit.kind) {
    case 'channel': return `${unit.layer}:${unit.channel}`;
    case 'neuron': return `${unit.layer}:${unit.channel}@${unit.x},${unit.y}`;
    case 'class': return `class:${unit.index}`;
    case 'deepdream': return `deepdream:${unit.layer}`;
  }
}

/** The objective of one unit, or of one unit per batch item when all share a layer and kind. */
export function unitObjective(units: Unit[]): Objective {
  const first = units[0];
  if (first === undefined) throw new Error('unitObjective: no units');
  const same = units.every((u) => u.kind === first.kind && ('layer' in u ? u.layer : '') === ('layer' in first ? first.layer : ''));
  if (!same) throw new Error('unitObjective: a batch of units must share kind and layer');
  switch (first.kind) {
    case 'channel': return channel(first.layer, units.map((u) => (u as typeof first).channel));
    case 'class': return classLogit(units.map((u) => (u as typeof first).index));
    case 'deepdream': return layerL2(first.layer);
    case 'neuron': {
      if (units.some((u) => (u as typeof first).x !== first.x || (u as typeof first).y !== first.y)) {
        throw new Error('unitObjective: neurons batched together must share a position');
      }
      return neuron(first.layer, units.map((u) => (u as typeof first).channel), first.x, first.y);
    }
  }
}
