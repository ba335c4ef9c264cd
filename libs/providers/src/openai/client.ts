import OpenAI from 'openai';
import type { CallPolicy } from '../call';

export interface OpenAiEndpoint {
  /** Any OpenAI-compatible API; the SDK's default (api.openai.com) when omitted. */
  baseUrl?: string;
  apiKey?: string;
}

/**
 * An SDK client whose own retries are off: {@link callProvider} retries, so stream stalls and unusable responses
 * are retried the same way as HTTP failures. The SDK timeout covers only the wait for response headers.
 */
export function openAiClient(endpoint: OpenAiEndpoint, policy: CallPolicy): OpenAI {
  return new OpenAI({
    baseURL: endpoint.baseUrl,
    // Local servers (vLLM, Ollama, whisper servers) take no key, but the SDK refuses to start without one.
    apiKey: endpoint.apiKey || 'no-key',
    maxRetries: 0,
    timeout: policy.timeoutMs,
  });
}

/** The audio fields that audio-capable models add to a streamed delta (absent from the SDK's types). */
export interface AudioDelta {
  audio?: { data?: string; transcript?: string };
}
