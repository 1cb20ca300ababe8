/** The shipped models whose every unit gets a build-time feature visualization. */
export const GALLERY_MODELS = ['fashion-cnn', 'shapes-cnn'];
