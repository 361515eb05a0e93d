// The back end for this runtime: bun:ffi under Bun, koffi under Node.
export const ffi = typeof globalThis.Bun !== 'undefined' ? await import('./bun.js') : await import('./node.js');
