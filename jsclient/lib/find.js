// Where libstore.so is looked for, first match wins.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * 1. $SPATIALSTORE_LIB, the path of the library file itself;
 * 2. $STORE_LIB_DIR/libstore.so (the variable the Makefile and the Rust crates use);
 * 3. build/libstore.so of the checkout this package sits in (`make lib`);
 * 4. "libstore.so": whatever the dynamic linker finds (an installed library, LD_LIBRARY_PATH).
 */
export function candidates(env = process.env) {
  const out = [];
  if (env.SPATIALSTORE_LIB) out.push(env.SPATIALSTORE_LIB);
  if (env.STORE_LIB_DIR) out.push(join(env.STORE_LIB_DIR, 'libstore.so'));
  const checkout = join(here, '..', '..', 'build', 'libstore.so');
  if (existsSync(checkout)) out.push(checkout);
  out.push('libstore.so');
  return out;
}

/** Loads the first candidate open() accepts; the error lists what was tried. */
export function loadFirst(open) {
  const tried = [];
  for (const path of candidates()) {
    if (path.includes('/') && !existsSync(path)) {
      tried.push(`${path}: no such file`);
      continue;
    }
    try {
      return { lib: open(path), path };
    } catch (e) {
      tried.push(`${path}: ${e.message}`);
    }
  }
  throw new Error(
    'libstore.so not found (set SPATIALSTORE_LIB to its path, or STORE_LIB_DIR to its folder); tried:\n  ' +
      tried.join('\n  '),
  );
}
