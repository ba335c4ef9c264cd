import { countFillers, isQuestion, speechAnalytics, type AnalysedTurn } from './speech-analytics';

const t0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);

function turn(sequence: number, speaker: 'ai' | 'trainee', text: string | null, from: number, to: number, durationMs: number | null = null): AnalysedTurn {
  return { sequence, speaker, text, durationMs, startedAt: at(from), endedAt: at(to) };
}

describe('speechAnalytics', () => {
  const conversation: AnalysedTurn[] = [
    turn(0, 'ai', 'Hi, I was charged twice this month.', 0, 4000, 4000),
    // 10 words, 3 s by its timestamps (no measured duration), 1 filler, 1 question without punctuation.
    turn(1, 'trainee', 'um could you tell me the email on your account', 5000, 8000),
    turn(2, 'ai', "It's tom at mail dot com.", 9000, 11000, 2000),
    // 19 words; the measured 6 s wins over the timestamps; fillers "so" and "you know"; the last sentence asks.
    turn(3, 'trainee', 'Thanks Tom. I see two charges, so I will refund one, you know, right away. When did you notice?', 12500, 18600, 6000),
    // Not transcribed: counts as speaking time, not for words or pace.
    turn(4, 'trainee', null, 20000, 22000, 2000),
  ];

  it('measures talk share, pace, fillers, monologue, questions and latency from words and timings', () => {
    // Given out of order: the analytics sort by sequence.
    const analytics = speechAnalytics([...conversation].reverse());
    expect(analytics).toEqual({
      mode: 'turn',
      language: 'en',
      talkRatio: 0.647, // 11 000 ms of 17 000 ms
      traineeSpeakingMs: 11000,
      aiSpeakingMs: 6000,
      traineeWords: 29,
      wordsPerMinute: 193.3, // 29 words in the 9 s of transcribed speech
      fillerWords: {
        // "so I will refund one" connects two clauses: not a filler.
        count: 2,
        perMinute: 13.3,
        mostFrequent: [
          { word: 'um', count: 1 },
          { word: 'you know', count: 1 },
        ],
        byTurn: [
          { turn: 1, count: 1 },
          { turn: 3, count: 1 },
        ],
      },
      longestMonologueMs: 6000,
      longestMonologueWords: 19,
      questionsAsked: 2,
      averageResponseLatencyMs: 1250, // (1000 + 1500) / 2; turn 4 follows a trainee turn
      responseLatency: { basis: 'speech', samples: 2, averageMs: 1250, medianMs: 1250, longestMs: 1500 },
      aiResponseLatencyMs: null,
      interruptions: { count: 0, turns: [], averageHeardMs: null },
      cancellations: null,
      traineeTurns: 3,
    });
  });

  it('says null, not 0, for what a session without trainee speech cannot measure', () => {
    const analytics = speechAnalytics([turn(0, 'ai', 'Hello there.', 0, 2000, 2000)]);
    expect(analytics).toMatchObject({
      talkRatio: 0,
      traineeSpeakingMs: 0,
      aiSpeakingMs: 2000,
      traineeWords: 0,
      wordsPerMinute: null,
      fillerWords: { count: 0, perMinute: null, mostFrequent: [] },
      longestMonologueMs: null,
      longestMonologueWords: null,
      questionsAsked: 0,
      averageResponseLatencyMs: null,
      traineeTurns: 0,
    });
    expect(speechAnalytics([]).talkRatio).toBeNull();
  });

  it('counts interruptions in voice modes, cancellations in realtime, and typing time in text mode', () => {
    const turns: AnalysedTurn[] = [
      { ...turn(0, 'ai', 'Hello, how can I help you today with your order?', 0, 4000, 4000) },
      { ...turn(1, 'trainee', 'I would like a refund please', 4500, 6500, 2000) },
      { ...turn(2, 'ai', 'Of course, let me explain the refund policy in detail first', 7000, 12000, 5000), interrupted: true, heardMs: 1200, latency: { speechEndToAudioMs: 500, generations: [{ outcome: 'completed' }, { outcome: 'cancelled' }] } },
      { ...turn(3, 'trainee', 'Sorry, just the refund', 8300, 9500, 1200) },
    ];
    const realtime = speechAnalytics(turns, { mode: 'realtime' });
    expect(realtime.interruptions).toEqual({ count: 1, turns: [2], averageHeardMs: 1200 });
    expect(realtime.cancellations).toEqual({ count: 1, turns: [2] });
    expect(realtime.aiResponseLatencyMs).toBe(500);
    expect(realtime.aiSpeakingMs).toBe(4000 + 1200); // only what was heard of the interrupted turn
    const text = speechAnalytics(turns, { mode: 'text' });
    expect(text.interruptions).toBeNull();
    expect(text.cancellations).toBeNull();
    expect(text.responseLatency?.basis).toBe('typing');
    expect(speechAnalytics(turns, { mode: 'turn' }).cancellations).toBeNull();
  });

  it('ignores overlaps: a trainee who starts before the AI finished adds no latency', () => {
    const analytics = speechAnalytics([turn(0, 'ai', 'Hello.', 0, 3000, 3000), turn(1, 'trainee', 'hi', 2500, 3500, 1000)]);
    expect(analytics.averageResponseLatencyMs).toBeNull();
  });

  it('ranks the top three fillers by count, then alphabetically', () => {
    const analytics = speechAnalytics([
      turn(1, 'trainee', 'um um um, like, like, so um basically', 0, 60_000, 60_000),
    ]);
    expect(analytics.fillerWords).toMatchObject({
      count: 8,
      perMinute: 8,
      mostFrequent: [
        { word: 'um', count: 4 },
        { word: 'like', count: 2 },
        { word: 'basically', count: 1 },
      ],
    });
  });
});

describe('countFillers', () => {
  it('counts whole words and phrases only', () => {
    const counts = countFillers('I would likely say so. Umm, you know, it is kind of unlike the sort of thing I mean');
    expect(Object.fromEntries(counts)).toEqual({ um: 1, 'you know': 1, 'kind of': 1, 'i mean': 1 });
  });

  it.each([
    ['I am so sorry about that.', {}],
    ['I see two charges, so I will refund one.', {}],
    ['I think so.', {}],
    ['So that you get it by Friday.', {}],
    ['So, um, what happened?', { so: 1, um: 1 }],
    ['It was fine and so...', { so: 1 }],
    ['I would like a refund. I like it. It looks like a glitch. Something like that.', {}],
    ["It's like a maze in here.", {}],
    ['It was, like, broken for days.', { like: 1 }],
    ['Um like I tried everything', { um: 1, like: 1 }],
    ['Do you know the account email?', {}],
    ['It is, you know, complicated.', { 'you know': 1 }],
    ['What kind of plan is it?', {}],
    ['I kind of think it works.', { 'kind of': 1 }],
    ['Actually, it was the third.', {}],
    ['It was actually basically done.', { actually: 1, basically: 1 }],
  ])('English in context: %j → %j', (text, expected) => {
    expect(Object.fromEntries(countFillers(text, 'en-US'))).toEqual(expected);
  });

  it.each([
    ['es-ES', 'Eh, o sea, este cargo es un error, este, no sé.', { eh: 1, 'o sea': 1, este: 1 }],
    ['es-MX', 'Es un tipo de cuenta, tipo, muy rara.', { tipo: 1 }],
    ['fr-FR', 'Euh, du coup, ce genre de problème arrive, genre, souvent.', { euh: 1, 'du coup': 1, genre: 1 }],
    ['de-DE', 'Also, ähm, das ist halt so. Also kommen Sie morgen.', { also: 1, ähm: 1, halt: 1 }],
  ])('%s fillers in context', (language, text, expected) => {
    expect(Object.fromEntries(countFillers(text, language))).toEqual(expected);
  });

  it('does not count a phrase twice as single words', () => {
    expect(Object.fromEntries(countFillers('so you know so'))).toEqual({ so: 2, 'you know': 1 });
  });
});

describe('isQuestion', () => {
  it.each([
    ['What seems to be the problem', true],
    ['okay so could you confirm the email', true],
    ['um is there anything else', true],
    ['did the refund arrive', true],
    ["that's all right?", true],
    ['How', true],
    ['I can refund that today', false],
    ['Have a nice day', false],
    ['have you tried restarting it', true],
    ['Can', false],
    ['', false],
  ])('%j → %s', (sentence, expected) => {
    expect(isQuestion(sentence)).toBe(expected);
  });
});
