/** The one line under a figure that says where it was computed and why not elsewhere. */
import type { BackendReport } from '../workers/protocol';

/** "computed on webgl, 12 ms; webgpu unavailable: navigator.gpu is undefined". */
export function backendLabel(report: BackendReport, elapsedMs: number): string {
  const ms = elapsedMs < 10 ? elapsedMs.toFixed(1) : String(Math.round(elapsedMs));
  const skipped = report.tried
    .filter((t) => !t.ok)
    .map((t) => `${t.backend} unavailable: ${t.reason ?? 'unknown reason'}`);
  return [`computed on ${report.backend}, ${ms} ms`, ...skipped].join('; ');
}
