/**
 * The study page's island: reads the page's configuration and loads the session code (jsPsych and
 * its plugins come with it, by dynamic import: they need `window`, so they never run during Astro's
 * server render). `data-state` on the root says where it is: loading, running, done or error.
 */
import type { PageConfig } from './run';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function mountStudy(root: HTMLElement): Promise<void> {
  root.dataset.state = 'loading';
  try {
    const config = JSON.parse(root.dataset.config ?? '') as PageConfig;
    const { runSession } = await import('./run');
    root.dataset.state = 'running';
    await runSession(root, config);
    root.dataset.state = 'done';
  } catch (err) {
    root.dataset.state = 'error';
    root.innerHTML = `<div class="study-screen"><h2>The study stopped</h2>
      <p class="study-error">${esc((err as Error).message ?? String(err))}</p>
      <p>Your answers so far are kept in this browser. Reload the page to go on; if this message comes back, tell the experimenter what it says.</p></div>`;
    console.error(err);
  }
}
