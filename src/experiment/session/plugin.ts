/**
 * The one custom jsPsych 8 plugin (class API): reference images above (none in None), the
 * unoccluded image, the two queries side by side (the max query on the side the plan drew), and
 * six buttons `3 2 1 | 1 2 3` under them: side and confidence in one click. The record is handed to
 * `save` (IndexedDB) and only after it is stored does Continue appear, 350 ms after the click at the
 * earliest; practice trials show feedback then. A second click does nothing.
 */
import { ParameterType, type JsPsych, type JsPsychPlugin, type TrialType } from 'jspsych';
import { BUTTON_LABELS, buttonResponse, isCorrect } from './mapping';

const info = {
  name: 'glimpse-causal-choice',
  version: '1.0.0',
  parameters: {
    /** Reference image URLs (empty in None). */
    references: { type: ParameterType.STRING, array: true, default: [] as string[] },
    /** The unoccluded image URL. */
    base: { type: ParameterType.STRING, default: '' },
    /** URLs of the max and the min (or None-catch distractor) query. */
    maxQuery: { type: ParameterType.STRING, default: '' },
    minQuery: { type: ParameterType.STRING, default: '' },
    /** Which query is on the left. */
    leftQuery: { type: ParameterType.STRING, default: 'max' },
    /** Show right/wrong after the click (practice). */
    feedback: { type: ParameterType.BOOL, default: false },
    /** A line above the task (progress, "practice round 2"). */
    header: { type: ParameterType.HTML_STRING, default: '' },
    /** Stores the response; Continue waits for it. Receives side, confidence, correctness and RT. */
    save: { type: ParameterType.FUNCTION, default: undefined as unknown as (r: Response) => Promise<void> },
    /** Milliseconds between the click and Continue. */
    continueDelayMs: { type: ParameterType.INT, default: 350 },
  },
  data: {
    choice: { type: ParameterType.STRING },
    confidence: { type: ParameterType.INT },
    correct: { type: ParameterType.BOOL },
    rt: { type: ParameterType.INT },
  },
} as const;

type Info = typeof info;

export interface Response {
  choice: 'left' | 'right';
  confidence: 1 | 2 | 3;
  correct: boolean;
  rtMs: number;
}

/** The parameters after jsPsych has applied the defaults. */
export interface ChoiceParams {
  references: string[];
  base: string;
  maxQuery: string;
  minQuery: string;
  leftQuery: 'max' | 'min';
  feedback: boolean;
  header: string;
  save(r: Response): Promise<void>;
  continueDelayMs: number;
}

const img = (src: string, cls: string, alt: string): string => `<img class="${cls}" src="${src}" alt="${alt}" draggable="false">`;

export class CausalChoicePlugin implements JsPsychPlugin<Info> {
  static info = info;
  constructor(private readonly jsPsych: JsPsych) {}

  trial(display: HTMLElement, params: TrialType<Info>): Promise<void> {
    const trial = params as unknown as ChoiceParams;
    const leftMax = trial.leftQuery === 'max';
    const [left, right] = leftMax ? [trial.maxQuery, trial.minQuery] : [trial.minQuery, trial.maxQuery];
    const refs = trial.references.length
      ? `<figure class="cc-refs"><div class="cc-ref-grid">${trial.references.map((r, i) => img(r, 'cc-ref', `reference ${i + 1}`)).join('')}</div>
         <figcaption>Images that make the unit respond strongly</figcaption></figure>`
      : '';
    const buttons = (side: 'left' | 'right') => BUTTON_LABELS.map((label, i) => ({ label, i }))
      .filter(({ i }) => (side === 'left' ? i < 3 : i >= 3))
      .map(({ label, i }) => `<button type="button" class="cc-btn" data-index="${i}" aria-label="${side}, confidence ${label}">${label}</button>`).join('');
    display.innerHTML = `<div class="cc${refs ? '' : ' cc-no-refs'}">
      ${trial.header ? `<p class="cc-header">${trial.header}</p>` : ''}
      ${refs}
      <div class="cc-task">
        <figure class="cc-base">${img(trial.base, 'cc-img', 'the image')}<figcaption>The image</figcaption></figure>
        <p class="cc-question">Which covered copy makes the unit respond <strong>more</strong>?</p>
        <div class="cc-queries">
          <figure class="cc-query" data-side="left">${img(left, 'cc-img', 'left choice')}<div class="cc-btns">${buttons('left')}</div></figure>
          <figure class="cc-query" data-side="right">${img(right, 'cc-img', 'right choice')}<div class="cc-btns">${buttons('right')}</div></figure>
        </div>
        <p class="cc-scale">3 = very sure · 2 = fairly sure · 1 = guessing</p>
        <p class="cc-feedback" role="status" aria-live="polite"></p>
        <button type="button" class="cc-continue study-button" hidden>Continue</button>
      </div>
    </div>`;
    const shownAt = performance.now();
    let answered = false;
    return new Promise<void>((done) => {
      const onClick = async (event: Event) => {
        const button = (event.target as HTMLElement).closest<HTMLButtonElement>('.cc-btn');
        if (!button || answered) return;
        answered = true;
        const clickedAt = performance.now();
        display.querySelectorAll<HTMLButtonElement>('.cc-btn').forEach((b) => { b.disabled = true; });
        button.classList.add('cc-chosen');
        const { choice, confidence } = buttonResponse(Number(button.dataset.index));
        const correct = isCorrect(trial.leftQuery, choice);
        const response: Response = { choice, confidence, correct, rtMs: Math.round(clickedAt - shownAt) };
        const status = display.querySelector<HTMLElement>('.cc-feedback')!;
        try {
          await trial.save(response);
        } catch (err) {
          status.textContent = `Your answer could not be saved in this browser: ${(err as Error).message}. Please reload the page.`;
          return;
        }
        const wait = Math.max(0, trial.continueDelayMs - (performance.now() - clickedAt));
        setTimeout(() => {
          if (trial.feedback) {
            status.textContent = correct ? 'Correct.' : `Not quite: the ${leftMax ? 'left' : 'right'} image makes the unit respond more.`;
            status.dataset.correct = String(correct);
            display.querySelector(`.cc-query[data-side="${leftMax ? 'left' : 'right'}"]`)?.classList.add('cc-correct');
          }
          const next = display.querySelector<HTMLButtonElement>('.cc-continue')!;
          next.hidden = false;
          next.focus();
          next.addEventListener('click', () => {
            display.removeEventListener('click', onClick);
            this.jsPsych.finishTrial({ choice, confidence, correct, rt: response.rtMs });
            done();
          }, { once: true });
        }, wait);
      };
      display.addEventListener('click', onClick);
    });
  }
}
