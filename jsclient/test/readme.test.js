// The JavaScript examples of the READMEs, run as a user would, by this
// runtime (node or bun).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

const blocks = (path) => [...readFileSync(path, 'utf8').matchAll(/^```js\n(.*?)^```/gms)].map((m) => m[1]);
const run = (code) => execFileSync(process.execPath, globalThis.Bun ? ['-e', code] : ['--input-type=module', '-e', code],
  { cwd: join(ROOT, 'jsclient'), encoding: 'utf8' });

test('the top README example', () => {
  const found = blocks(join(ROOT, 'README.md'));
  assert.equal(found.length, 1);
  assert.equal(found[0].trim().split('\n').length, 5);
  assert.equal(run(found[0]), '[["player:ann",0],["player:bob",5]]\n');
});

test('the package README examples', () => {
  const found = blocks(join(ROOT, 'jsclient', 'README.md'));
  assert.ok(found.length > 0);
  for (const code of found) run(code);
});
