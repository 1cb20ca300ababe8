/** The k most probable classes, best first; ties keep the lower index first (a stable order for tests). */
import type { Prediction } from './protocol';

export function topK(probs: ArrayLike<number>, labels: readonly string[], k: number): Prediction[] {
  const order = Array.from({ length: probs.length }, (_, i) => i);
  order.sort((a, b) => probs[b] - probs[a] || a - b);
  return order.slice(0, k).map((index) => ({ index, label: labels[index] ?? `class ${index}`, prob: probs[index] }));
}
