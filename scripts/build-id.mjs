// Build ids: the SHA-256 of each bundle, written by scripts/build.mjs to dist/build-id.json
// ({"tokj.cjs": "<64 hex digits>", …}) after the bundles. bin/tokj.cjs keys its V8 code
// cache by a bundle's id (and its real path), so bytecode compiled for one build never runs
// for another; reading this small file is all it does for that (no hashing at run time).
import { createHash } from 'node:crypto';

export const BUILD_ID_FILE = 'build-id.json';

export function buildId(contents) {
  return createHash('sha256').update(contents).digest('hex');
}
