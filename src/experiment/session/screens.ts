/**
 * The session's screens outside jsPsych (plain DOM): the minimum-size message, notices, the wait
 * for the server, the completion code / redirect / MTurk submit, and the data-file download.
 * URL parameters of the recruitment platforms are read here too.
 */
import type { Platform, StudyExport } from '../records';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Prolific (PROLIFIC_PID, STUDY_ID, SESSION_ID), MTurk (workerId, assignmentId, hitId), a lab id (?participant=), or anonymous. */
export function readPlatform(params: URLSearchParams): Platform {
  const get = (k: string) => params.get(k)?.slice(0, 128) || undefined;
  if (get('PROLIFIC_PID')) return { kind: 'prolific', participantId: get('PROLIFIC_PID'), studyId: get('STUDY_ID'), sessionId: get('SESSION_ID') };
  if (get('workerId')) return { kind: 'mturk', participantId: get('workerId'), studyId: get('hitId'), sessionId: get('assignmentId') };
  if (get('participant')) return { kind: 'lab', participantId: get('participant') };
  return { kind: 'anonymous' };
}

export function show(root: HTMLElement, html: string): HTMLElement {
  root.innerHTML = `<div class="study-screen">${html}</div>`;
  return root.firstElementChild as HTMLElement;
}

/** Resolves once the window is at least min (CSS px); until then says how large it is and must be. */
export function waitForScreen(root: HTMLElement, min: { width: number; height: number }): Promise<void> {
  const fits = () => window.innerWidth >= min.width && window.innerHeight >= min.height;
  if (fits()) return Promise.resolve();
  const saved = [...root.childNodes];
  const render = () => show(root, `<h2>Please use a larger window</h2>
    <p class="study-size">This study needs a window of at least <strong>${min.width} × ${min.height}</strong> pixels;
    yours is <strong>${window.innerWidth} × ${window.innerHeight}</strong>.</p>
    <p>Use a computer rather than a phone, maximise the browser window or zoom out (Ctrl and −). The study goes on by itself.</p>`);
  render();
  return new Promise((resolve) => {
    const onResize = () => {
      if (!fits()) return render();
      window.removeEventListener('resize', onResize);
      root.replaceChildren(...saved);
      resolve();
    };
    window.addEventListener('resize', onResize);
  });
}

/** A notice with one button; resolves on the click. */
export function notice(root: HTMLElement, html: string, button = 'Continue'): Promise<void> {
  const el = show(root, `${html}<p><button type="button" class="study-button">${esc(button)}</button></p>`);
  return new Promise((resolve) => el.querySelector('button')!.addEventListener('click', () => resolve(), { once: true }));
}

/** The data file as an object URL; `start` also starts its download (once, when the session ends). */
export function downloadData(data: StudyExport, name: string, start = true): string {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  if (!start) return url;
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  return url;
}

export interface CompletionView {
  code?: string;
  redirect?: string;
  platform: Platform;
  params: URLSearchParams;
  /** Data file link (no server). */
  dataUrl?: string;
  dataName?: string;
}

export function completionScreen(root: HTMLElement, v: CompletionView): void {
  const redirect = v.redirect?.replace('{code}', encodeURIComponent(v.code ?? ''));
  const submitTo = v.params.get('turkSubmitTo');
  const mturk = v.platform.kind === 'mturk' && submitTo
    ? `<form method="post" action="${esc(new URL('/mturk/externalSubmit', submitTo).href)}">
        <input type="hidden" name="assignmentId" value="${esc(v.platform.sessionId ?? '')}">
        <input type="hidden" name="completionCode" value="${esc(v.code ?? '')}">
        <button type="submit" class="study-button">Submit the HIT</button></form>`
    : '';
  show(root, `<h2>Thank you!</h2>
    <p>${v.dataUrl ? 'You have finished the study. Your answers are in the data file this page has just downloaded.' : 'Your answers are saved. You have finished the study.'}</p>
    ${v.code ? `<p>Your completion code: <strong class="study-code">${esc(v.code)}</strong></p>` : ''}
    ${redirect ? `<p><a class="study-button" href="${esc(redirect)}">Back to ${v.platform.kind === 'prolific' ? 'Prolific' : 'the study site'}</a> (you will be sent there in a few seconds)</p>` : ''}
    ${mturk}
    ${!v.code && !redirect && !mturk && !v.dataUrl ? '<p>You can close this window now.</p>' : ''}
    ${v.dataUrl ? `<p>This computer has no study server: give the data file (<code>${esc(v.dataName ?? 'data.json')}</code>) to the experimenter. If no download started:</p>
      <p><a class="study-button study-download" href="${v.dataUrl}" download="${esc(v.dataName ?? 'data.json')}">Download the data file</a></p>` : ''}`);
  if (redirect) setTimeout(() => { location.href = redirect; }, 5000);
}
