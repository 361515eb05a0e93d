import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outstandingBuffers } from 'spatialstore';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Checks that the file's tests free every buffer the library returned. */
export function noLeakedBuffers() {
  let start;
  before(() => {
    start = outstandingBuffers();
  });
  after(() => {
    assert.equal(outstandingBuffers(), start);
  });
}

export const keys = (hits) => hits.map((h) => h.key.toString());
