/** Papers cited by more than one method, written once. */

/** Deconvnet and occlusion sensitivity both come from this paper. */
export const ZEILER_FERGUS_2014 = {
  title: 'Visualizing and Understanding Convolutional Networks',
  authors: 'Zeiler, Fergus',
  year: 2014,
  url: 'https://arxiv.org/abs/1311.2901',
};
