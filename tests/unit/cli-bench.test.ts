/** The benchmark's arithmetic and report layout (the timings themselves are never asserted). */
import { describe, expect, it } from 'vitest';
import { budgetRuns, median, MIN_RUNS, renderBenchReport, shippedModels, timeMedian, type MachineInfo } from '../../scripts/bench';
import type { BenchRow } from '../../scripts/bench-types';

const machine: MachineInfo = { cpu: 'Test CPU', cores: 2, ramGiB: 24, node: 'v20.0.0', tfjs: '4.22.0', date: '2025-01-02', load: 0.5 };

describe('median and timeMedian', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('runs warm-up calls untimed, then exactly `runs` timed ones', async () => {
    let calls = 0;
    await timeMedian(async () => { calls++; }, 20, 3);
    expect(calls).toBe(23);
  });
});

describe('budgetRuns and shippedModels', () => {
  it('keeps all runs when they fit the budget, else as many as fit, never fewer than MIN_RUNS', () => {
    expect(MIN_RUNS).toBe(3);
    expect(budgetRuns(10, 20, 30_000)).toBe(20); // 20 x 10 ms = 0.2 s
    expect(budgetRuns(3_000, 20, 30_000)).toBe(10); // 30 s / 3 s
    expect(budgetRuns(20_000, 20, 30_000)).toBe(3); // would be 1: floor at MIN_RUNS
    expect(budgetRuns(20_000, 2, 30_000)).toBe(2); // never more than asked for
  });

  it('lists the shipped models that name a sample in glimpse.json', () => {
    expect(shippedModels()).toEqual(expect.arrayContaining(['fashion-cnn', 'shapes-cnn', 'shapes-cnn-biased']));
  });
});

describe('renderBenchReport', () => {
  it('writes the machine table and one table per environment and backend', () => {
    const row = (environment: BenchRow['environment'], backend: string, task: string, medianMs: number, note?: string): BenchRow =>
      ({ environment, backend, model: 'fashion-cnn', task, medianMs, runs: 20, ...(note ? { note } : {}) });
    const md = renderBenchReport([
      row('node', 'cpu', 'forward (batch 1)', 12.345),
      row('node', 'wasm', 'forward (batch 1)', 0.5),
      row('node', 'cpu', 'vanilla-gradient', 123.4),
      row('chromium', 'webgpu', 'vanilla-gradient', 3.21, 'SwiftShader adapter'),
    ], machine, ['a note']);
    expect(md).toContain('| CPU | Test CPU |');
    expect(md).toContain('| TensorFlow.js | 4.22.0 |');
    expect(md).toContain('> a note');
    expect(md.match(/^## /gm)).toEqual(['## ', '## ', '## ']);
    const cpu = md.slice(md.indexOf('## node · cpu'), md.indexOf('## node · wasm'));
    expect(cpu).toContain('| fashion-cnn | forward (batch 1) | 12.3 | 20 |  |');
    expect(cpu).toContain('| fashion-cnn | vanilla-gradient | 123 | 20 |  |');
    expect(md).toContain('| fashion-cnn | forward (batch 1) | 0.50 | 20 |  |');
    expect(md).toContain('## chromium · webgpu');
    expect(md).toContain('| 3.21 | 20 | SwiftShader adapter |');
  });
});

it('warns when the machine was busy while measuring', () => {
  const busy = renderBenchReport([], { ...machine, load: 5 }, []);
  expect(busy).toContain('> The machine was busy while measuring (load 5 on 2 cores');
  expect(renderBenchReport([], machine, [])).not.toContain('busy');
});
