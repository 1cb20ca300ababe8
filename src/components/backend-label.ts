/**
 * Where a figure was computed: one short line under it ("computed on wasm in 145 ms"), and the
 * details (why the faster backends were passed over, with their device strings) for a disclosure.
 */
import type { BackendReport } from '../workers/protocol';

/** "computed on webgl in 12 ms". */
export function backendLabel(report: Pick<BackendReport, 'backend'>, elapsedMs: number): string {
  const ms = elapsedMs < 10 ? elapsedMs.toFixed(1) : String(Math.round(elapsedMs));
  return `computed on ${report.backend} in ${ms} ms`;
}

/** One line per backend tried before the chosen one: "webgpu unavailable: navigator.gpu is undefined". */
export function backendDetails(report: BackendReport): string[] {
  return report.tried.filter((t) => !t.ok).map((t) => `${t.backend} unavailable: ${t.reason ?? 'unknown reason'}`);
}

/** Fills a figure's status element: the line, then (when backends were skipped) a closed disclosure. */
export function renderStatus(status: HTMLElement, line: string, details: string[]): void {
  const text = document.createElement('span');
  text.className = 'gs-status-line';
  text.textContent = line;
  status.replaceChildren(text);
  if (details.length === 0) return;
  const box = document.createElement('details');
  box.className = 'gs-backend-details';
  const summary = document.createElement('summary');
  summary.textContent = 'why not a faster backend?';
  const list = document.createElement('ul');
  for (const d of details) list.append(Object.assign(document.createElement('li'), { textContent: d }));
  box.append(summary, list);
  status.append(' ', box);
}
