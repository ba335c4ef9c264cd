import { decodeMp3, encodeMp3, InvalidAudioError, probeMp3, synthesizeFlite } from '@parley/audio';
// The fake lives in @parley/testing; imported by path so this suite does not load the infrastructure helpers.
import { startFakeOpenAi, type FakeOpenAi } from '../../../testing/src/fake-openai-server';
import type { CallPolicy, RetryEvent } from '../call';
import { BadResponseError, ProviderError, ProviderTimeoutError } from '../errors';
import { OPENING_CUE } from '../prompts';
import { refundScenario } from '../scenario.fixture';
import type { ConversationLine, ReplyDelta } from '../types';
import { openAiClient } from './client';
import { OmniResponder } from './omni-responder';
import { OpenAiObjectiveChecker } from './openai-objective-checker';
import { OpenAiRoleplayer } from './openai-roleplayer';
import { OpenAiSynthesizer } from './openai-synthesizer';
import { OpenAiTranscriber } from './openai-transcriber';

/** Small timeouts keep the suite fast; the behaviour is the same as with SPEC §4.6's 10 s. */
const TIMEOUT_MS = 300;

const history: ConversationLine[] = [
  { speaker: 'ai', text: 'My lamp arrived two weeks late.' },
  { speaker: 'trainee', text: 'I am sorry to hear that.' },
];

describe('OpenAI-compatible providers against a local fake server', () => {
  let fake: FakeOpenAi;
  let retries: RetryEvent[];
  let policy: CallPolicy;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    retries = [];
    policy = { timeoutMs: TIMEOUT_MS, retries: 2, backoffMs: 10, onRetry: (event) => retries.push(event) };
  });

  const client = () => openAiClient({ baseUrl: fake.url, apiKey: 'sk-test' }, policy);

  describe('roleplayer', () => {
    const roleplayer = () => new OpenAiRoleplayer({ client: client(), model: 'persona-model', policy });

    it('streams a reply in character from the conversation so far', async () => {
      fake.setBehaviour('chat', { reply: 'Sorry is not enough. I want my money back.' });
      const deltas: ReplyDelta[] = [];
      const reply = await roleplayer().reply({ scenario: refundScenario, history, onDelta: (d) => deltas.push(d) });

      expect(reply).toMatchObject({ text: 'Sorry is not enough. I want my money back.', model: 'persona-model', offline: false });
      expect(reply.firstTokenMs).toBeGreaterThanOrEqual(0);
      expect(deltas.length).toBeGreaterThan(3);
      expect(deltas.map((d) => d.text).join('')).toBe(reply.text);

      const [request] = fake.requestsTo('chat');
      expect(request.body).toMatchObject({ model: 'persona-model', stream: true });
      const messages = request.body.messages as { role: string; content: string }[];
      expect(messages[0].role).toBe('system');
      expect(messages[0].content).toContain('You are Dana, an annoyed customer.');
      expect(messages[0].content).toContain('A support agent at the lamp shop.');
      expect(messages[0].content).toContain('Speak American English.');
      expect(messages.slice(1)).toEqual([
        { role: 'assistant', content: 'My lamp arrived two weeks late.' },
        { role: 'user', content: 'I am sorry to hear that.' },
      ]);
    });

    it('opens the conversation with a cue for chat templates that need a user turn', async () => {
      const opening = await roleplayer().opening({ scenario: refundScenario });
      expect(opening.text).toBe('This is the fake model speaking.');
      expect(fake.requests[0].body.messages.at(-1)).toEqual({ role: 'user', content: OPENING_CUE });
    });

    it('retries 5xx answers and then succeeds', async () => {
      fake.enqueue('chat', { status: 503, times: 2 }, { reply: 'Finally.' });
      const reply = await roleplayer().reply({ scenario: refundScenario, history });
      expect(reply.text).toBe('Finally.');
      expect(fake.requestsTo('chat')).toHaveLength(3);
      expect(retries.map((r) => [r.role, r.attempt])).toEqual([['roleplayer', 1], ['roleplayer', 2]]);
    });

    it('cuts a stream that stalls with the idle timer and retries', async () => {
      fake.enqueue('chat', { reply: 'Half a sentence that never', stallAfterChunks: 3 }, { reply: 'A whole reply.' });
      const deltas: ReplyDelta[] = [];
      const started = Date.now();
      const reply = await roleplayer().reply({ scenario: refundScenario, history, onDelta: (d) => deltas.push(d) });
      expect(reply.text).toBe('A whole reply.');
      expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);
      expect(retries[0].error).toBeInstanceOf(ProviderTimeoutError);
      // The partial text of attempt 1 reached the listener, marked so it can be dropped.
      expect(deltas.filter((d) => d.attempt === 1).map((d) => d.text).join('')).toBe('Half a ');
      expect(deltas.filter((d) => d.attempt === 2).map((d) => d.text).join('')).toBe('A whole reply.');
    });

    it('retries when response headers take longer than the timeout', async () => {
      fake.enqueue('chat', { delayHeadersMs: TIMEOUT_MS + 200 });
      const reply = await roleplayer().reply({ scenario: refundScenario, history });
      expect(reply.text).toBe('This is the fake model speaking.');
      expect(fake.requestsTo('chat')).toHaveLength(2);
    });

    it('throws a ProviderError after 3 attempts when every attempt fails', async () => {
      fake.setBehaviour('chat', { status: 500 });
      const failure = await roleplayer().reply({ scenario: refundScenario, history }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ProviderError);
      expect(failure).toMatchObject({ role: 'roleplayer', attempts: 3, code: 'provider_error' });
      expect(fake.requestsTo('chat')).toHaveLength(3);
    });

    it('does not retry a request the server refuses as invalid', async () => {
      fake.setBehaviour('chat', { status: 400 });
      await expect(roleplayer().reply({ scenario: refundScenario, history })).rejects.toMatchObject({ attempts: 1 });
      expect(fake.requestsTo('chat')).toHaveLength(1);
    });

    it('fails after 3 attempts when the server is unreachable', async () => {
      const gone = await startFakeOpenAi();
      await gone.close();
      const offline = new OpenAiRoleplayer({ client: openAiClient({ baseUrl: gone.url }, policy), model: 'm', policy });
      await expect(offline.reply({ scenario: refundScenario, history })).rejects.toMatchObject({ name: 'ProviderError', attempts: 3 });
    });

    it('stops mid-stream when the caller aborts, without retrying', async () => {
      fake.enqueue('chat', { reply: 'one two three four', stallAfterChunks: 2 });
      const controller = new AbortController();
      const reply = roleplayer().reply({
        scenario: refundScenario,
        history,
        signal: controller.signal,
        onDelta: () => controller.abort(),
      });
      await expect(reply).rejects.toMatchObject({ name: 'AbortError' });
      expect(fake.requestsTo('chat')).toHaveLength(1);
    });
  });

  describe('objective check', () => {
    const checker = () => new OpenAiObjectiveChecker({ client: client(), model: 'judge-model', policy });

    it('asks for JSON and returns the validated verdict', async () => {
      fake.setBehaviour('chat', { reply: JSON.stringify({ outcome: 'objective_met', rationale: 'A refund was accepted.' }) });
      const verdict = await checker().check({ scenario: refundScenario, history });
      expect(verdict).toEqual({ outcome: 'objective_met', rationale: 'A refund was accepted.', model: 'judge-model', offline: false });
      const [request] = fake.requestsTo('chat');
      expect(request.body.response_format).toEqual({ type: 'json_object' });
      expect(request.body.messages[1].content).toContain('Dana: My lamp arrived two weeks late.\nTrainee: I am sorry to hear that.');
    });

    it('retries an answer that is not JSON, or not the expected JSON', async () => {
      fake.enqueue('chat', { invalidJson: true }, { reply: '{"outcome": "maybe", "rationale": "?"}' });
      const verdict = await checker().check({ scenario: refundScenario, history });
      expect(verdict.outcome).toBe('continue'); // the fake's default verdict, on the third attempt
      expect(retries.map((r) => r.error)).toEqual([expect.any(BadResponseError), expect.any(BadResponseError)]);
      expect(String((retries[1].error as Error).message)).toContain('outcome');
    });

    it('accepts JSON wrapped in a Markdown fence', async () => {
      fake.enqueue('chat', { reply: '```json\n{"outcome": "objective_failed", "rationale": "Asked for a manager."}\n```' });
      expect((await checker().check({ scenario: refundScenario, history })).outcome).toBe('objective_failed');
    });

    it('fails with a ProviderError when the answer never becomes valid JSON', async () => {
      fake.setBehaviour('chat', { invalidJson: true });
      const failure = await checker().check({ scenario: refundScenario, history }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ name: 'ProviderError', role: 'objective_check', attempts: 3 });
      expect((failure as ProviderError).cause).toBeInstanceOf(BadResponseError);
    });
  });

  describe('speech synthesis', () => {
    /** The fake encodes each new text once (slowly, in JavaScript) and then serves it from memory. */
    const patient = { timeoutMs: 10_000, retries: 0 };
    const synthesizer = (callPolicy: CallPolicy = patient) =>
      new OpenAiSynthesizer({
        client: openAiClient({ baseUrl: fake.url }, callPolicy),
        model: 'tts-model',
        policy: callPolicy,
        defaultVoice: 'alloy',
      });

    it('re-encodes 24 kHz speech to 16 kHz mono MP3', async () => {
      const result = await synthesizer().synthesize('Thank you for calling the lamp shop.', 'Nova');
      expect(probeMp3(result.mp3)).toMatchObject({ sampleRate: 16_000, channels: 1, bitrateKbps: 32 });
      expect(result).toMatchObject({ sampleRate: 16_000, voice: 'nova' });
      expect(result.durationMs).toBeGreaterThan(1_000);
      expect(result.firstByteMs).toBeGreaterThanOrEqual(0);
      expect(fake.requestsTo('speech')[0].body).toMatchObject({ model: 'tts-model', voice: 'nova', response_format: 'mp3' });
    });

    it('mixes stereo down, keeps 16 kHz mono as it is, and maps unknown voices to the default', async () => {
      fake.enqueue('speech', { speechFormat: { channels: 2 } }, { speechFormat: { sampleRate: 16_000 } });
      const fromStereo = await synthesizer().synthesize('Hello there.', 'slt');
      expect(probeMp3(fromStereo.mp3)).toMatchObject({ sampleRate: 16_000, channels: 1 });
      expect(fromStereo.voice).toBe('alloy');
      const native = await synthesizer().synthesize('Hello there.');
      expect(probeMp3(native.mp3).sampleRate).toBe(16_000);
      expect(fake.requestsTo('speech').map((r) => r.body.voice)).toEqual(['alloy', 'alloy']);
    });

    it('retries a body that stalls part-way', async () => {
      const text = 'This sentence is long enough to need more than one chunk of audio.';
      await synthesizer().synthesize(text);
      fake.reset();
      fake.enqueue('speech', { stallAfterChunks: 1 });
      const result = await synthesizer(policy).synthesize(text);
      expect((await decodeMp3(result.mp3)).durationMs).toBeGreaterThan(2_000);
      expect(fake.requestsTo('speech')).toHaveLength(2);
      expect(retries[0].error).toBeInstanceOf(ProviderTimeoutError);
    });
  });

  describe('transcription', () => {
    let mp3: Buffer;
    beforeAll(async () => {
      mp3 = encodeMp3((await synthesizeFlite('I would like a refund.')).pcm);
    });
    const transcriber = () => new OpenAiTranscriber({ client: client(), model: 'whisper-1', policy });

    it('uploads the MP3 and returns the text, with the language as ISO 639-1', async () => {
      fake.setBehaviour('transcriptions', { reply: ' I would like a refund. ' });
      const result = await transcriber().transcribe(mp3, { language: 'en-US' });
      expect(result).toEqual({ text: 'I would like a refund.', model: 'whisper-1' });
      const [request] = fake.requestsTo('transcriptions');
      expect(request.body).toMatchObject({ model: 'whisper-1', language: 'en', response_format: 'json' });
      expect(request.file?.data.equals(mp3)).toBe(true);
    });

    it('refuses audio that is not MP3 before uploading it', async () => {
      await expect(transcriber().transcribe(Buffer.from('RIFF....WAVEfmt '))).rejects.toBeInstanceOf(InvalidAudioError);
      expect(fake.requestsTo('transcriptions')).toHaveLength(0);
    });

    it('retries server errors', async () => {
      fake.enqueue('transcriptions', { status: 502 });
      expect((await transcriber().transcribe(mp3)).text).toBe('hello from the fake transcriber');
      expect(fake.requestsTo('transcriptions')).toHaveLength(2);
    });
  });

  describe('omni (speech to speech)', () => {
    const omni = (audioFormat: 'pcm16' | 'wav', callPolicy: CallPolicy = { timeoutMs: 10_000, retries: 0 }) =>
      new OmniResponder({
        client: openAiClient({ baseUrl: fake.url }, callPolicy),
        model: 'omni-model',
        policy: callPolicy,
        voice: 'Cherry',
        audioFormat,
      });

    it('sends the trainee audio and returns the reply as text and 16 kHz mono MP3', async () => {
      const turn = encodeMp3((await synthesizeFlite('Can I offer you a voucher?')).pcm);
      fake.setBehaviour('chat', { reply: 'A voucher would be fine.' });
      const deltas: string[] = [];
      const reply = await omni('pcm16').respond({ scenario: refundScenario, history, audio: turn, onDelta: (d) => deltas.push(d.text) });

      expect(reply.text).toBe('A voucher would be fine.');
      expect(deltas.join('')).toBe('A voucher would be fine.');
      expect(probeMp3(reply.mp3)).toMatchObject({ sampleRate: 16_000, channels: 1 });
      expect(reply.durationMs).toBeGreaterThan(1_000);
      expect(reply.firstAudioMs).toBeGreaterThanOrEqual(reply.firstTokenMs);

      const body = fake.requestsTo('chat')[0].body;
      expect(body).toMatchObject({ model: 'omni-model', stream: true, modalities: ['text', 'audio'], audio: { voice: 'Cherry', format: 'pcm16' } });
      const last = body.messages.at(-1);
      expect(last.role).toBe('user');
      expect(last.content[0]).toEqual({ type: 'input_audio', input_audio: { data: turn.toString('base64'), format: 'mp3' } });
    });

    it('opens the conversation without audio and reads WAV output', async () => {
      const reply = await omni('wav').respond({ scenario: refundScenario, history: [] });
      expect(reply.text).toBe('This is the fake model speaking.');
      const decoded = await decodeMp3(reply.mp3);
      expect(Math.abs(decoded.durationMs - reply.durationMs)).toBeLessThan(200);
      expect(fake.requests[0].body.messages.at(-1)).toEqual({ role: 'user', content: OPENING_CUE });
    });

    it('retries a stream that stalls before the audio is complete', async () => {
      await omni('pcm16').respond({ scenario: refundScenario, history: [] }); // the fake now has this audio ready
      fake.reset();
      fake.enqueue('chat', { stallAfterChunks: 8 });
      const reply = await omni('pcm16', policy).respond({ scenario: refundScenario, history: [] });
      expect(reply.mp3.length).toBeGreaterThan(1_000);
      expect(fake.requestsTo('chat')).toHaveLength(2);
    });
  });
});
