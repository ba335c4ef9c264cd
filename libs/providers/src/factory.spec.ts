import { startFakeOpenAi } from '../../testing/src/fake-openai-server';
import { createProviders, type ProvidersConfig } from './factory';
import { FliteSynthesizer } from './flite-synthesizer';
import { OmniResponder } from './openai/omni-responder';
import { OpenAiObjectiveChecker } from './openai/openai-objective-checker';
import { OpenAiRoleplayer } from './openai/openai-roleplayer';
import { OpenAiSynthesizer } from './openai/openai-synthesizer';
import { OpenAiTranscriber } from './openai/openai-transcriber';
import { PocketsphinxTranscriber } from './pocketsphinx-transcriber';
import { refundScenario } from './scenario.fixture';
import { ScriptObjectiveChecker, ScriptRoleplayer } from './script';

const offline: ProvidersConfig = {
  llm: { audio: false, timeoutMs: 10_000, retries: 2 },
  asr: { provider: 'pocketsphinx' },
  tts: { provider: 'flite' },
};

describe('createProviders', () => {
  it('works offline with nothing configured', async () => {
    const providers = createProviders(offline);
    expect(providers.offline).toBe(true);
    expect(providers.roleplayer).toBeInstanceOf(ScriptRoleplayer);
    expect(providers.objectiveChecker).toBeInstanceOf(ScriptObjectiveChecker);
    expect(providers.synthesizer).toBeInstanceOf(FliteSynthesizer);
    expect(providers.transcriber).toBeInstanceOf(PocketsphinxTranscriber);
    expect(providers.omni).toBeNull();
    expect((await providers.roleplayer.opening({ scenario: refundScenario })).offline).toBe(true);
  });

  it('keeps the script roleplayer when LLM audio is on but no LLM is configured', () => {
    const providers = createProviders({ ...offline, llm: { ...offline.llm, audio: true, apiKey: 'sk-unused' } });
    expect(providers.offline).toBe(true);
    expect(providers.omni).toBeNull();
  });

  it('uses the configured endpoint of each role, with the configured policy', async () => {
    const fake = await startFakeOpenAi();
    try {
      const retried: string[] = [];
      const providers = createProviders(
        {
          llm: { baseUrl: fake.url, apiKey: 'sk-llm', model: 'qwen3-omni-flash', audio: true, timeoutMs: 2_000, retries: 1 },
          asr: { provider: 'openai', baseUrl: fake.url, apiKey: 'sk-asr' },
          tts: { provider: 'openai', baseUrl: fake.url, apiKey: 'sk-tts', voice: 'onyx' },
        },
        { onRetry: (event) => retried.push(event.role) },
      );
      expect(providers.offline).toBe(false);
      expect(providers.roleplayer).toBeInstanceOf(OpenAiRoleplayer);
      expect(providers.objectiveChecker).toBeInstanceOf(OpenAiObjectiveChecker);
      expect(providers.synthesizer).toBeInstanceOf(OpenAiSynthesizer);
      expect(providers.transcriber).toBeInstanceOf(OpenAiTranscriber);
      expect(providers.omni).toBeInstanceOf(OmniResponder);

      fake.enqueue('chat', { status: 500, times: 2 });
      await expect(providers.roleplayer.opening({ scenario: refundScenario })).rejects.toMatchObject({ attempts: 2 });
      expect(retried).toEqual(['roleplayer']);
      expect(fake.requests[0].body.model).toBe('qwen3-omni-flash');
      expect(fake.requests[0].headers.authorization).toBe('Bearer sk-llm');
    } finally {
      await fake.close();
    }
  });
});
