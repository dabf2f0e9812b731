/**
 * Tests that need something from the machine rather than from node_modules: a system tool
 * (tmux, prometheus, promtool) or root (tmpfs mounts). In CI, when CI is set to anything but
 * "" / "0" / "false" (.ci/run sets CI=1 and installs the tools, as root), a missing one FAILS
 * the tests that need it. Elsewhere those tests are skipped, with the reason printed.
 */
const ci = (process.env.CI ?? '').toLowerCase();
export const inCI = ci !== '' && ci !== '0' && ci !== 'false';

export interface Requirement {
  /** Skip the tests: the requirement is missing and this is not CI. */
  skip: boolean;
  /** Call first in each test (or its beforeAll): in CI, throws when the requirement is missing. */
  check(): void;
}

/** `missing`: why the tests cannot run here, or null when they can. */
export function requirement(what: string, missing: string | null): Requirement {
  if (missing === null) return { skip: false, check: () => {} };
  if (inCI) {
    return {
      skip: false,
      check: () => {
        throw new Error(`${what} cannot run: ${missing}. CI is set, so this is a failure, not a skip (.ci/run installs what the tests need, as root).`);
      },
    };
  }
  console.warn(`skipping ${what}: ${missing} (with CI=1 this is a failure)`);
  return { skip: true, check: () => {} };
}
