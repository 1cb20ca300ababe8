/**
 * The little behaviour citations and side notes need in the browser (everything else is CSS):
 * - Escape hides an open citation card (WCAG 1.4.13: content on hover/focus must be dismissible);
 * - on narrow screens, where side notes do not fit in the margin, a footnote number opens its note
 *   inline instead of jumping to the list at the end.
 */
const WIDE = '(min-width: 1180px)';

document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  for (const wrap of document.querySelectorAll('.cite-wrap:hover, .cite-wrap:focus-within')) wrap.classList.add('dismissed');
});
// A dismissed card shows again on the next hover or focus.
for (const type of ['mouseleave', 'focusout'] as const) {
  document.addEventListener(type, (e) => {
    const wrap = (e.target as Element | null)?.closest?.('.cite-wrap');
    if (wrap && !wrap.matches(':hover, :focus-within')) wrap.classList.remove('dismissed');
  }, true);
}

document.addEventListener('click', (e) => {
  const ref = (e.target as Element | null)?.closest?.('a.footnote-ref');
  if (!ref || matchMedia(WIDE).matches) return;
  const note = document.getElementById(ref.getAttribute('aria-controls') ?? '');
  if (!note) return;
  e.preventDefault();
  const open = note.classList.toggle('open');
  ref.setAttribute('aria-expanded', String(open));
});
