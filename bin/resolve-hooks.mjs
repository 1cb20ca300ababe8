// Node ESM resolve hook for the glimpse CLI. tfjs-core's ESM files import extensionless paths
// ('./gradients') where both gradients.js and a gradients/ folder exist; bundlers and vitest pick
// the file, Node (and tsx) pick the folder and fail. Only '@tensorflow/tfjs-core/dist/
// register_all_gradients' takes that path (tfjs-core's CommonJS entry registers no gradients), so
// retry such imports inside @tensorflow packages with '.js', as the bundlers do.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const inTfjs = context.parentURL?.includes('/node_modules/@tensorflow/');
    if (inTfjs && specifier.startsWith('.') && !specifier.endsWith('.js') &&
        (err.code === 'ERR_UNSUPPORTED_DIR_IMPORT' || err.code === 'ERR_MODULE_NOT_FOUND')) {
      return next(`${specifier}.js`, context);
    }
    throw err;
  }
}
