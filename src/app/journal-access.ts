/**
 * One journal as the app flows reach it: what a transaction needs (txn.ts TxnContext) and
 * what the person's environment says. The CLI builds it once per command (cli/context.ts);
 * a test builds its own and calls a flow without a process.
 */
import type { TxnContext } from './txn.js';

export interface JournalAccess extends TxnContext {
  /** The environment: $TOKJ_SESSION names the session a bare command means. */
  env: NodeJS.ProcessEnv;
  /** The config file as the person would type its path (relative to their directory), for messages. */
  configLabel: string;
}
