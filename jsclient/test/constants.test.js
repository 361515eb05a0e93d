// The package's numbers and layouts against include/store.h itself: a C
// program compiled against the header prints every STORE_* constant and the
// size and offsets of each struct, and each must match the package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, CLASSES, StoreError } from 'spatialstore';
import { layouts } from '../lib/constants.js';
import { statusError } from '../lib/errors.js';
import { PROTOTYPES } from '../lib/prototypes.js';
import { ROOT } from './helpers.js';

const HEADER = join(ROOT, 'include', 'store.h');
const text = readFileSync(HEADER, 'utf8');
const NOT_CONSTANTS = new Set(['STORE_H', 'STORE_TYPES_ONLY']);
const names = [...text.matchAll(/^#define\s+(STORE_[A-Z0-9_]+)\b/gm)].map((m) => m[1]).filter((n) => !NOT_CONSTANTS.has(n));

function cFacts() {
  const lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "store.h"', 'int main(void) {'];
  for (const n of names) lines.push(`  printf("${n} %lld\\n", (long long)(${n}));`);
  for (const [s, fields] of Object.entries(layouts)) {
    lines.push(`  printf("${s}.size %zu\\n", sizeof(${s}));`);
    for (const f of Object.keys(fields)) if (f !== 'size') lines.push(`  printf("${s}.${f} %zu\\n", offsetof(${s}, ${f}));`);
  }
  lines.push('  return 0;', '}');
  const dir = mkdtempSync(join(tmpdir(), 'spatialstore-constants-'));
  writeFileSync(join(dir, 'facts.c'), lines.join('\n') + '\n');
  const cc = process.env.CC || 'cc';
  execFileSync(cc, ['-std=c11', '-Wall', '-Werror', '-I', join(ROOT, 'include'), 'facts.c', '-o', 'facts'], { cwd: dir });
  const out = execFileSync(join(dir, 'facts'), { encoding: 'utf8' });
  return Object.fromEntries(out.trim().split('\n').map((l) => { const [k, v] = l.split(' '); return [k, Number(v)]; }));
}

const facts = cFacts();

test('every constant of store.h is in the package, with its value', () => {
  assert.ok(names.length >= 29);
  const missing = names.filter((n) => !(n in constants));
  assert.deepEqual(missing, [], `add to lib/constants.js: ${missing}`);
  assert.deepEqual({ ...constants }, Object.fromEntries(names.map((n) => [n, facts[n]])));
});

test('the struct layouts the package writes and reads match store.h', () => {
  for (const [s, fields] of Object.entries(layouts)) {
    for (const [f, v] of Object.entries(fields)) assert.equal(v, facts[`${s}.${f}`], `${s}.${f}`);
  }
});

test('every status has an error class named like the status', () => {
  const codes = Object.entries(constants).filter(([n]) => n.startsWith('STORE_ERR_') || n === 'STORE_NOT_FOUND');
  assert.equal(CLASSES.size, codes.length);
  for (const [n, code] of codes) {
    const cls = CLASSES.get(code);
    assert.ok(cls.prototype instanceof StoreError);
    const stem = n.replace(/^STORE_(ERR_)?/, '').replaceAll('_', '').toLowerCase();
    assert.ok(cls.name.toLowerCase().startsWith(stem) && cls.name.endsWith('Error'), `${cls.name} for ${n}`);
    const e = statusError(code); // the library names the status as the package does
    assert.ok(e instanceof cls);
    assert.equal(e.status, n);
    assert.equal(e.code, code);
  }
});

test('every declared function is declared in store.h', () => {
  for (const name of Object.keys(PROTOTYPES)) assert.match(text, new RegExp(`\\b${name}\\(`), name);
});
