/** Fisher-Yates shuffle with a seeded generator (the session's trial order, the pilot's cells). */
import type { Rng } from '../methods/random';

export function shuffle<T>(items: T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
