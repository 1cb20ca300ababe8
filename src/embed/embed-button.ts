/**
 * The browser half of EmbedButton.astro: put the page's real origin into the embed code (the build
 * only knew the configured site URL) and copy a block's code on its button.
 */
export function wireEmbedButtons(root: ParentNode = document): void {
  for (const details of root.querySelectorAll<HTMLElement>('details.embed-code')) {
    const built = details.dataset.buildOrigin;
    for (const area of details.querySelectorAll('textarea')) {
      if (built && built !== location.origin) area.value = area.value.split(built).join(location.origin);
    }
    for (const button of details.querySelectorAll<HTMLButtonElement>('button.embed-copy')) {
      button.addEventListener('click', () => {
        const area = button.parentElement?.querySelector('textarea');
        if (!area) return;
        void copy(area).then((ok) => {
          button.textContent = ok ? 'Copied' : 'Select and copy';
          setTimeout(() => { button.textContent = 'Copy'; }, 2000);
        });
      });
    }
  }
}

/** Clipboard API where allowed (secure contexts); otherwise leave the text selected for Ctrl+C. */
async function copy(area: HTMLTextAreaElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(area.value);
    return true;
  } catch {
    area.focus();
    area.select();
    return false;
  }
}
