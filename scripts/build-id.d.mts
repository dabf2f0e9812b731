/** Types for the build ids the tests share with the build (scripts/build-id.mjs). */
export const BUILD_ID_FILE: string;
export function buildId(contents: string | Uint8Array): string;
