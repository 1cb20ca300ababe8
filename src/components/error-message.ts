/** A failure in the reader's terms: a title, the message (which names what was expected), and where. */
import { WorkerCrashedError } from '../workers/client';
import type { FigureProps } from './figure-props';
import type { ShownError } from './saliency-view';
import { NotAnImageError } from './upload';

/** What went wrong, in the reader's terms, with which model/layer/method it concerns. */
export function describeError(error: unknown, props: FigureProps | undefined, method: string): ShownError {
  const e = error as { name?: string; message?: string; model?: string; layer?: string };
  const message = e?.message ?? String(error);
  const title = error instanceof WorkerCrashedError
    ? 'The compute worker crashed'
    : error instanceof NotAnImageError
      ? 'That file cannot be used'
      : 'The figure could not be computed';
  const details: Array<[string, string]> = [];
  const model = e?.model ?? props?.model;
  if (model) details.push(['model', model]);
  if (e?.layer) details.push(['layer', e.layer]);
  details.push(['method', method]);
  const hint = error instanceof WorkerCrashedError ? ' Retry starts a fresh worker.' : '';
  return { title, message: message.replace(/([^.])$/, '$1.') + hint, details };
}
