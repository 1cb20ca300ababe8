/** Defines every views custom element; each Astro views component imports this one module. */
import './activations-element';
import './embedding-element';
import './filters-element';
import './neighbours-element';
import './top-patches-element';
