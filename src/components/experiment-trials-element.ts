/**
 * <glimpse-experiment-trials>: the reader answers a few trials of the study in the article. A
 * condition switch shows synthetic, natural or no references; a click on one of the six buttons
 * (3 2 1 | 1 2 3: side and confidence) reveals the answer and both activations. Nothing is sent
 * anywhere and nothing is stored.
 */
class ExperimentTrialsElement extends HTMLElement {
  connectedCallback(): void {
    const setCondition = (c: string) => {
      for (const g of this.querySelectorAll<HTMLElement>('[data-refs]')) g.hidden = g.dataset.refs !== c;
      for (const b of this.querySelectorAll<HTMLButtonElement>('[data-condition]')) b.setAttribute('aria-pressed', String(b.dataset.condition === c));
      for (const n of this.querySelectorAll<HTMLElement>('[data-none-note]')) n.hidden = c !== 'none';
    };
    for (const b of this.querySelectorAll<HTMLButtonElement>('[data-condition]')) b.addEventListener('click', () => setCondition(b.dataset.condition!));
    for (const trial of this.querySelectorAll<HTMLElement>('[data-trial]')) {
      const out = trial.querySelector<HTMLElement>('[data-feedback]')!;
      for (const b of trial.querySelectorAll<HTMLButtonElement>('[data-side]')) {
        b.addEventListener('click', () => {
          const side = b.dataset.side!;
          const right = trial.dataset.correct === side;
          out.textContent = `${right ? 'Correct' : 'Not this time'} (confidence ${b.dataset.confidence}). ${trial.dataset.explain}`;
          out.dataset.result = right ? 'correct' : 'wrong';
          for (const q of trial.querySelectorAll<HTMLElement>('[data-query]')) q.dataset.revealed = q.dataset.query === trial.dataset.correct ? 'max' : 'min';
          for (const x of trial.querySelectorAll<HTMLButtonElement>('[data-side]')) x.disabled = true;
        });
      }
    }
    setCondition(this.dataset.initial ?? 'synthetic');
  }
}

if (!customElements.get('glimpse-experiment-trials')) customElements.define('glimpse-experiment-trials', ExperimentTrialsElement);
