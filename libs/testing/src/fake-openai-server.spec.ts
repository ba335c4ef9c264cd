import OpenAI, { toFile } from 'openai';
import { decodeMp3, encodeMp3, probeMp3, synthesizeFlite } from '@parley/audio';
import { FAKE_CHAT_REPLY, FAKE_JUDGE_REPLY, FAKE_TRANSCRIPT, startFakeOpenAi, type FakeOpenAi } from './fake-openai-server';

describe('fake OpenAI server', () => {
  let fake: FakeOpenAi;
  let client: OpenAI;

  beforeEach(async () => {
    fake = await startFakeOpenAi();
    client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key', maxRetries: 0, timeout: 30_000 });
  });
  afterEach(() => fake.close());

  const chat = (messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }]) =>
    client.chat.completions.create({ model: 'fake-model', messages, stream: true });

  async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<string> {
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    return text;
  }

  it('streams chat completions as SSE ending in [DONE], and records the request', async () => {
    const response = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = await response.text();
    expect(body.trim().endsWith('data: [DONE]')).toBe(true);

    expect(await collect(await chat())).toBe(FAKE_CHAT_REPLY);
    expect(fake.requestsTo('chat')).toHaveLength(2);
    expect(fake.requests[1].body).toMatchObject({ model: 'fake-model', stream: true });
    expect(fake.requests[1].headers.authorization).toBe('Bearer test-key');
  });

  it('replies with scripted text, or text computed from the request', async () => {
    fake.enqueue('chat', { reply: 'First.' });
    fake.setBehaviour('chat', { reply: (request) => `You said: ${request.body.messages.at(-1).content}` });
    expect(await collect(await chat())).toBe('First.');
    expect(await collect(await chat([{ role: 'user', content: 'bananas' }]))).toBe('You said: bananas');
    expect(await collect(await chat([{ role: 'user', content: 'again' }]))).toBe('You said: again');
  });

  it('answers JSON-mode requests with JSON, unless told to return something else', async () => {
    const judge = () =>
      client.chat.completions.create({
        model: 'judge',
        messages: [{ role: 'user', content: 'Reply in JSON' }],
        response_format: { type: 'json_object' },
      });
    expect((await judge()).choices[0].message.content).toBe(FAKE_JUDGE_REPLY);
    fake.enqueue('chat', { invalidJson: true });
    const content = (await judge()).choices[0].message.content ?? '';
    expect(() => JSON.parse(content)).toThrow(SyntaxError);
  });

  it('fails with scripted statuses the scripted number of times', async () => {
    fake.enqueue('chat', { status: 503, times: 2 }, { reply: 'Back.' });
    await expect(chat()).rejects.toMatchObject({ status: 503 });
    await expect(chat()).rejects.toMatchObject({ status: 503 });
    expect(await collect(await chat())).toBe('Back.');
    expect(fake.requestsTo('chat')).toHaveLength(3);
  });

  it('delays response headers', async () => {
    fake.enqueue('chat', { delayHeadersMs: 200 });
    const started = Date.now();
    await chat();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('stalls a stream after some chunks and keeps it open until the client leaves', async () => {
    fake.enqueue('chat', { reply: 'one two three four five', stallAfterChunks: 3 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }], stream: true },
      { signal: controller.signal },
    );
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(text).toBe('one two ');
    controller.abort();
    await reading; // the SDK ends the loop silently on abort
    expect(text).toBe('one two ');
  });

  it('speaks MP3 made by Flite: 24 kHz mono by default, or the format asked for', async () => {
    const speak = async () => Buffer.from(await (await client.audio.speech.create({ model: 'tts', voice: 'alloy', input: 'Hello there.' })).arrayBuffer());
    const standard = await speak();
    expect(probeMp3(standard)).toMatchObject({ sampleRate: 24_000, channels: 1 });
    expect((await decodeMp3(standard)).durationMs).toBeGreaterThan(500);

    fake.enqueue('speech', { speechFormat: { sampleRate: 16_000 } }, { speechFormat: { channels: 2 } });
    expect(probeMp3(await speak())).toMatchObject({ sampleRate: 16_000, channels: 1 });
    expect(probeMp3(await speak(), { allowStereo: true }).channels).toBe(2);
    expect(fake.requestsTo('speech')[0].body).toMatchObject({ input: 'Hello there.', voice: 'alloy', model: 'tts' });
  });

  it('transcribes multipart uploads with the configured text and records the file', async () => {
    const mp3 = encodeMp3((await synthesizeFlite('Testing.')).pcm);
    const file = await toFile(mp3, 'turn.mp3', { type: 'audio/mpeg' });
    const result = await client.audio.transcriptions.create({ file, model: 'whisper-1', language: 'en' });
    expect(result.text).toBe(FAKE_TRANSCRIPT);

    fake.setBehaviour('transcriptions', { reply: 'i would like a refund' });
    const text = await client.audio.transcriptions.create({ file: await toFile(mp3, 'turn.mp3'), model: 'whisper-1', response_format: 'text' });
    expect(text).toBe('i would like a refund');

    const recorded = fake.requestsTo('transcriptions')[0];
    expect(recorded.body).toMatchObject({ model: 'whisper-1', language: 'en' });
    expect(recorded.file).toMatchObject({ name: 'turn.mp3', type: 'audio/mpeg' });
    expect(recorded.file?.data.equals(mp3)).toBe(true);
  });

  it('answers unknown routes with 404 and close() cuts stalled responses', async () => {
    expect((await fetch(`${fake.url}/models`)).status).toBe(404);
    fake.enqueue('chat', { stallAfterChunks: 1 });
    const stream = await chat();
    const reading = collect(stream).catch((error: unknown) => error);
    await fake.close();
    await reading; // ended (or failed) instead of hanging
    fake = await startFakeOpenAi(); // for afterEach
  });

  it('adds a fixed latency to every response when asked, and writes streams at once with chunkPauseMs 0', async () => {
    const slow = await startFakeOpenAi({ latencyMs: 150 });
    const instant = await startFakeOpenAi({ chunkPauseMs: 0 });
    try {
      const timed = async (url: string) => {
        const started = performance.now();
        const response = await fetch(`${url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
        });
        const body = await response.text();
        return { ms: performance.now() - started, body };
      };
      const delayed = await timed(slow.url);
      expect(delayed.ms).toBeGreaterThanOrEqual(150);
      const fast = await timed(instant.url);
      expect(fast.ms).toBeLessThan(150);
      const contents = (body: string) => body.match(/"content":"[^"]*"/g);
      expect(contents(fast.body)).toEqual(contents(delayed.body));
    } finally {
      await slow.close();
      await instant.close();
    }
  });
});
