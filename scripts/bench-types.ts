/** One benchmark measurement: the median of `runs` timed repetitions after warm-up. */
export interface BenchRow {
  /** Where it ran: Node (tfjs cpu/wasm) or headless Chromium (webgpu/webgl/wasm/cpu via the worker). */
  environment: 'node' | 'chromium';
  backend: string;
  model: string;
  /** e.g. 'model load', 'forward (batch 1)', 'vanilla-gradient'. */
  task: string;
  medianMs: number;
  runs: number;
  /** Anything that qualifies the number (e.g. "WebGPU adapter is SwiftShader, on the CPU"). */
  note?: string;
}
