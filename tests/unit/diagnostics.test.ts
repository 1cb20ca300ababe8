import { describe, expect, it } from 'vitest';
import { diagnosticsLine } from '../../src/components/diagnostics';

describe('diagnosticsLine', () => {
  it("states LRP's conservation", () => {
    expect(diagnosticsLine({ targetLogit: 4, extra: { relevanceSum: 3.96, conservationError: 0.01, nonReluActivations: 0 } }))
      .toBe('relevances sum to 3.960, the logit is 4.000: conserved to within 1.0 %');
  });
  it("states Integrated Gradients' completeness against the score gap", () => {
    expect(diagnosticsLine({ targetLogit: 5, extra: { completenessDelta: -0.02, baselineLogit: 1 } }))
      .toBe('attributions sum to F(x) − F(x′) = 4.000 within 0.020 (0.50 %)');
  });
  it('says nothing for methods without diagnostics', () => {
    expect(diagnosticsLine({ targetLogit: 1 })).toBeUndefined();
    expect(diagnosticsLine({ targetLogit: 1, extra: { pathPoints: 50 } })).toBeUndefined();
  });
});
