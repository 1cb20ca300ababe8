/** Where the e2e suite finds Chromium and how it starts it. */
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const OUTPUT = `${REPO}tests/output`;
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Checked on Debian's Chromium 156 in a container without a GPU: with these flags WebGPU gets the
 * SwiftShader adapter (vendor "google", architecture "swiftshader") and WebGL2 runs on ANGLE over
 * SwiftShader Vulkan with EXT_color_buffer_float, so all three of webgpu, webgl and wasm start.
 * WebGPU needs a secure context: the server is reached as http://127.0.0.1, which counts as one.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
