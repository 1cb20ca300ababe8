/**
 * What a CLI command tells the person who ran it once it succeeds: one line on stderr per file it
 * wrote (stdout stays clean for JSON), plus the prediction where an image was classified.
 */
import type { ModelInfo } from '../model/types';

export function report(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** "wrote map.png (224 x 224 PNG)" / "wrote top.json (12.3 KB JSON)" / "printed JSON (12.3 KB) on stdout". */
export function wroteLine(out: string | undefined, kind: 'png' | 'json', bytes: number, size?: { width: number; height: number }): string {
  const kb = `${(bytes / 1024).toFixed(1)} KB`;
  if (out === undefined) return `printed JSON (${kb}) on stdout`;
  return kind === 'png' && size !== undefined ? `wrote ${out} (${size.width} x ${size.height} PNG)` : `wrote ${out} (${kb} JSON)`;
}

/** "predicted 'circle' (97.1 %)", from the model's logits for the image. */
export function predictionLine(info: ModelInfo, logits: ArrayLike<number>): string {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) { max = logits[i]; best = i; }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return `predicted ${best} '${info.labels[best]}' (${(100 / sum).toFixed(1)} %)`;
}
