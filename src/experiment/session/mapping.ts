/**
 * The six response buttons `3 2 1 | 1 2 3`: one click gives the side and the confidence printed on
 * the button. Index 0-2 are under the left query (3, 2, 1 from the outside in), 3-5 under the right
 * (1, 2, 3). The original stored the left side's confidence inverted (index 0 -> 1): here the
 * stored confidence is always the number the participant clicked.
 */
import { chosenQuery } from '../records';

export type Side = 'left' | 'right';
export type Confidence = 1 | 2 | 3;

/** The labels in button order. */
export const BUTTON_LABELS: readonly Confidence[] = [3, 2, 1, 1, 2, 3];

export function buttonResponse(index: number): { choice: Side; confidence: Confidence } {
  if (!Number.isInteger(index) || index < 0 || index > 5) throw new Error(`response button index ${index}; allowed: 0-5`);
  return { choice: index < 3 ? 'left' : 'right', confidence: BUTTON_LABELS[index] };
}

/** Side + confidence -> button index (the inverse, for tests and simulated clicks). */
export function buttonIndex(choice: Side, confidence: Confidence): number {
  return choice === 'left' ? 3 - confidence : 2 + confidence;
}

/** Whether a click is correct: the chosen query is the one that leaves the activation highest. */
export function isCorrect(leftQuery: 'max' | 'min', choice: Side): boolean {
  return chosenQuery(leftQuery, choice) === 'max';
}
