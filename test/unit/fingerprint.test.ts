import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintBucket } from '../../src/core/fingerprint.js';

describe('fingerprintBucket', () => {
  it('is the first two hex digits of fingerprint (existing request-id buckets stay valid)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        expect(fingerprintBucket(text)).toBe(fingerprint(text).slice(0, 2));
      }),
      { numRuns: 3000 },
    );
  });
});
