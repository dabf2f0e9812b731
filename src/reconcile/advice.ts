/** What each status means and what to do about it: the markdown's "What To Do", the table's hints. */
import type { Status } from './result.js';

export const STATUS_MEANING: Record<Status, string> = {
  match: 'the journal and the provider agree within the tolerance.',
  missing_calls: 'the provider counted requests or tokens (or billed dollars) the journal never recorded.',
  unknown_to_provider: 'the journal has calls, or tokens, the provider did not count.',
  price_drift: 'the same tokens on both sides, a different amount: the journal priced them wrong.',
  other_charges: 'a provider charge that is not model tokens (web search, file search, code execution, storage, containers).',
  provisional: 'the day is today or yesterday (UTC): the provider may still add to it.',
};

export const STATUS_ADVICE: Record<Status, string> = {
  match: 'Nothing to do.',
  missing_calls:
    'Find the calls that were not recorded: a script calling the API without `tokj record`, `tokj wrap` or `tokj auto-collect`; another application using the same organization (compare per project, key or workspace with `--map`); calls recorded under another provider name. Record them with `tokj import` (a JSON Lines backfill keeps their original time).',
  unknown_to_provider:
    'Check the day\'s sessions (`tokj report --since DAY --until DAY --by session`): a call recorded twice or under the wrong provider or model, test records, or calls made with a key or project the report does not include. A recorded call is never rewritten: note the finding in the session file.',
  price_drift:
    'Compare `tokj pricing show MODEL` with the provider\'s price page (a price change, a batch or flex discount, long-context or cache-write rates). Add the right price to the Custom Prices table of monitoring/token_collection_config.md: later calls use it; recorded costs stay as they were.',
  other_charges:
    'Shown so the totals add up to the bill. The journal prices tool uses per call when they are recorded (`tokj record --tool web_search=2`, or collected from the responses): compare with the journal\'s tool fees in the totals.',
  provisional: 'Run the reconciliation again once the day is two days old (UTC).',
};
