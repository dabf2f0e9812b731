/**
 * The commands an agent runs around every model call: init, record, finalize, status. entry.ts
 * runs them with only these modules loaded, so `tokj record` loads only what it needs.
 */
import { register as finalize } from './finalize.js';
import { register as init } from './init.js';
import type { Register } from './program.js';
import { register as record } from './record.js';
import { register as status } from './status.js';

export const CORE_COMMANDS: Readonly<Record<string, Register>> = { init, record, finalize, status };
