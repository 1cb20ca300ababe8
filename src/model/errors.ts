/**
 * The one error type of src/model. Every message says which model, which layer (when one is to
 * blame), what was expected and what was found, because the person reading it is usually someone
 * who just dropped their own model.json into an article and needs to know what to change.
 */
export class ModelError extends Error {
  /** Shipped id or the URL/path the model was loaded from. */
  readonly model: string;
  /** Name of the offending layer, when the problem is local to one. */
  readonly layer?: string;
  /** The message without the "model '...': " prefix, for wrapping in another ModelError. */
  readonly detail: string;

  constructor(model: string, message: string, layer?: string) {
    const where = layer === undefined ? `model '${model}'` : `model '${model}', layer '${layer}'`;
    super(`${where}: ${message}`);
    this.name = 'ModelError';
    this.model = model;
    this.layer = layer;
    this.detail = message;
  }
}

/** "a, b, c" with a cap so that a 300-layer model does not produce a 10 KB message. */
export function listNames(names: readonly string[], max = 40): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')}, ... (${names.length - max} more)`;
}

/** What went wrong, without the model prefix when `err` is a ModelError (it is about to get one). */
export function reason(err: unknown): string {
  return err instanceof ModelError ? err.detail : (err as Error).message;
}
