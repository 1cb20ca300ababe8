import { describe, expect, it } from 'vitest';
import { checkpointsFor, completenessText } from '../../src/components/ig-path-logic';

describe('IG path figure logic', () => {
  it('spreads five checkpoints over the path, ending at the last step', () => {
    expect(checkpointsFor(50)).toEqual([10, 20, 30, 40, 50]);
    expect(checkpointsFor(7)).toEqual([1, 3, 4, 6, 7]);
    expect(checkpointsFor(3)).toEqual([1, 2, 3]);
  });
  it('states F(x) - F(x\') against the sum, with the relative gap', () => {
    expect(completenessText([1, 2, 3], [0, 1, 1.98])).toBe('F(x) − F(x′) = 2.000; the attributions sum to 1.980 (off by 1.0 %)');
    expect(completenessText([1, 3], [0, 1.9998])).toBe('F(x) − F(x′) = 2.000; the attributions sum to 2.000 (off by 0.01 %)');
    expect(completenessText([1, 1], [0, 0])).toBe('F(x) − F(x′) = 0.000; the attributions sum to 0.000');
  });
});
