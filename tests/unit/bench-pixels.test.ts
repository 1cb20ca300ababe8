/** The time-to-pixels and PyTorch-peer report tables: layout and ratios from hand-made timings (never timed here). */
import { describe, expect, it } from 'vitest';
import { renderBenchReport, type MachineInfo } from '../../scripts/bench';
import { renderPeer } from '../../scripts/bench-peer';
import { renderPixels, treeRssMiB, type MethodPixels } from '../../scripts/bench-pixels';

const machine: MachineInfo = { cpu: 'Test CPU', cores: 2, ramGiB: 8, node: 'v20', tfjs: '4.22.0', date: '2026-12-07', load: 1 };

describe('renderPixels', () => {
  it('gives time to pixels over the warm compute time, first call and warm', () => {
    const m: MethodPixels = {
      model: 'shapes-cnn', method: 'smooth-grad', warmRuns: 3, warmToPixelsMs: 330, warmComputeMs: 300,
      firstFromNavigationMs: 2500, warmTransferMs: 4, warmAnswerMs: 3.5, warmDrawMs: 2, warmFrameMs: 10, warmDrawnMs: 320,
      describe: { op: 'describe', requestedAt: 0, pageWaitMs: 0, transferMs: 1, worker: { initMs: 700, loadMs: 150, queueMs: 0, computeMs: 2, totalMs: 852 } },
      first: { op: 'attribution', requestedAt: 0, pageWaitMs: 0, transferMs: 3, toPixelsMs: 1500, worker: { initMs: 400, loadMs: 100, queueMs: 0, computeMs: 990, totalMs: 1490 } },
    };
    const md = renderPixels([m], [{ workers: 2, workersStarted: 2, helpersStarted: 1, gridMs: 7600.4, gridComputeMs: 6000, secondToPixelsMs: 450, secondQueueMs: 3.25, rssMiB: 812.6 }], { start: 1.5, end: 2.25, machine: '2026-12-07 on Test CPU' });
    expect(md).toContain('load average 1.5 at the start, 2.25 at the end');
    expect(md).toContain('Measured 2026-12-07 on Test CPU.');
    // backend start and model load from the model look-up; 330 / 300 = 1.10; before the frame 320 / 300 = 1.07
    expect(md).toContain('| shapes-cnn | smooth-grad | 2500 | 700 | 150 | 990 | 330 | 300 | 4.0 (3.5) | 2.0 | 10 | 1.10 | 1.07 |');
    expect(md).toContain('| 2 | 2 | yes | 7600 | 6000 | 450 | 3.3 | 813 |');
  });
});

describe('renderPeer and report sections', () => {
  it('puts the peer table after the rows, with the load average', () => {
    const peer = renderPeer(['| fashion-cnn | occlusion | 84.0 | 24.0 | 3.50 | <= 1: missed |'], '1.13.1', { start: 0.4, end: 0.9 });
    const md = renderBenchReport([], machine, [], [peer]);
    expect(md).toContain('## Node tfjs wasm vs PyTorch 1.13.1 · CPU, one thread each (load average 0.4 at the start, 0.9 at the end)');
    expect(md.indexOf('| Load average (1 min) | 1 |')).toBeLessThan(md.indexOf('| fashion-cnn | occlusion | 84.0 | 24.0 | 3.50 |'));
  });
});

it('counts at least this process in its own process tree', () => {
  expect(treeRssMiB(process.pid)).toBeGreaterThanOrEqual(process.memoryUsage().rss / 2 ** 20 * 0.8);
});

it('marks both sections so that --pixels-only and --peer-only replace only their own', () => {
  const pixels = renderPixels([], [], { start: 1, end: 1 });
  const peer = renderPeer([], '1.13', { start: 1, end: 1 });
  expect(pixels.trimEnd()).toMatch(/^<!-- time-to-pixels:start[^>]*-->[\s\S]*<!-- time-to-pixels:end -->$/);
  expect(peer.trimEnd()).toMatch(/^<!-- pytorch-peer:start[^>]*-->[\s\S]*<!-- pytorch-peer:end -->$/);
});

it('counts multiply-adds by hand on fashion-cnn: 6,436,352 an image', async () => {
  await import('@tensorflow/tfjs-backend-cpu');
  const { multiplyAdds } = await import('../../scripts/bench-peer');
  const { loadModelNode } = await import('../../src/model/load-node');
  const model = await loadModelNode('fashion-cnn');
  // conv1 28*28*9*1*16, conv2 28*28*9*16*16, conv3 14*14*9*16*32, conv4 14*14*9*32*32, conv5 7*7*9*32*128, dense 128*10
  expect(multiplyAdds(model)).toBe(112_896 + 1_806_336 + 903_168 + 1_806_336 + 1_806_336 + 1_280);
  model.dispose();
});
