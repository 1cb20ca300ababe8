/**
 * The key of the page's create-session request (records.ts `requestKey`), kept in localStorage
 * from the first try until the session is saved in IndexedDB: a reload after a lost answer asks
 * again with the same key and gets the same session, instead of "you have already taken part".
 */
const storageKey = (study: string): string => `glimpse-request-key:${study}`;

export function requestKey(study: string): string {
  try {
    const kept = localStorage.getItem(storageKey(study));
    if (kept) return kept;
  } catch { /* storage blocked: the key then lasts as long as this page */ }
  const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    localStorage.setItem(storageKey(study), key);
  } catch { /* as above */ }
  return key;
}

export function forgetRequestKey(study: string): void {
  try {
    localStorage.removeItem(storageKey(study));
  } catch { /* nothing kept */ }
}
