/**
 * OpenAI Images API bodies (images.generate / images.edit with gpt-image models):
 * `{"created","data":[…],"usage":{"input_tokens","output_tokens","input_tokens_details"}}`.
 * The body names no model (pass --model). Input splits into text and image tokens; the
 * output is the generated image, so output tokens are image tokens unless
 * output_tokens_details says otherwise.
 */
import { buildCall, guardCounts, isObject, objectAt, readCount, readLabel, requireCount } from './counts.js';
import type { CallLabels } from './counts.js';
import type { ExtractContext, Extraction, JsonObject, ProviderModule } from './types.js';

function extractImages(payload: JsonObject, context: ExtractContext): Extraction {
  const labels: CallLabels = { provider: context.provider ?? 'openai', model: readLabel(payload.model), requestId: readLabel(payload.id) };
  const usage = objectAt(payload, 'usage');
  if (!usage) return { ok: false, code: 'no_usage', message: 'OpenAI Images response carries no usage (dall-e models report none)', ...labels };
  return guardCounts(() => {
    const input = requireCount(usage, 'input_tokens', 'usage');
    const output = requireCount(usage, 'output_tokens', 'usage');
    const inDetails = objectAt(usage, 'input_tokens_details');
    const outDetails = objectAt(usage, 'output_tokens_details');
    const imageOut = readCount(outDetails, 'image_tokens', 'usage.output_tokens_details') ?? (outDetails ? 0 : output);
    return buildCall(labels, {
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: readCount(inDetails, 'cached_tokens', 'usage.input_tokens_details') ?? 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      imageInputTokens: readCount(inDetails, 'image_tokens', 'usage.input_tokens_details') ?? 0,
      imageOutputTokens: imageOut,
    });
  }, labels);
}

export const openaiImages: ProviderModule = {
  name: 'openai-images',
  detect(payload) {
    if (!isObject(payload) || payload.object !== undefined || !Array.isArray(payload.data)) return false;
    const usage = objectAt(payload, 'usage');
    return typeof payload.created === 'number' && usage !== undefined && 'input_tokens' in usage;
  },
  isStreamEvent: () => false,
  extract: extractImages,
};
