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
      talkRatio: 0.647, // 11 000 ms of 17 000 ms
      traineeSpeakingMs: 11000,
      aiSpeakingMs: 6000,
      traineeWords: 29,
      wordsPerMinute: 193.3, // 29 words in the 9 s of transcribed speech
      fillerWords: {
        count: 3,
        perMinute: 20,
        mostFrequent: [
          { word: 'so', count: 1 },
          { word: 'um', count: 1 },
          { word: 'you know', count: 1 },
        ],
      },
      longestMonologueMs: 6000,
      longestMonologueWords: 19,
      questionsAsked: 2,
      averageResponseLatencyMs: 1250, // (1000 + 1500) / 2; turn 4 follows a trainee turn
      traineeTurns: 3,
    });
  });

  it('is all zeros for a session where the trainee never spoke', () => {
    const analytics = speechAnalytics([turn(0, 'ai', 'Hello there.', 0, 2000, 2000)]);
    expect(analytics).toMatchObject({
      talkRatio: 0,
      traineeSpeakingMs: 0,
      aiSpeakingMs: 2000,
      traineeWords: 0,
      wordsPerMinute: 0,
      fillerWords: { count: 0, perMinute: 0, mostFrequent: [] },
      longestMonologueMs: 0,
      questionsAsked: 0,
      averageResponseLatencyMs: null,
      traineeTurns: 0,
    });
    expect(speechAnalytics([]).talkRatio).toBe(0);
  });

  it('ignores overlaps: a trainee who starts before the AI finished adds no latency', () => {
    const analytics = speechAnalytics([turn(0, 'ai', 'Hello.', 0, 3000, 3000), turn(1, 'trainee', 'hi', 2500, 3500, 1000)]);
    expect(analytics.averageResponseLatencyMs).toBeNull();
  });

  it('ranks the top three fillers by count, then alphabetically', () => {
    const analytics = speechAnalytics([
      turn(1, 'trainee', 'um um um like like so basically actually', 0, 60_000, 60_000),
    ]);
    expect(analytics.fillerWords).toEqual({
      count: 8,
      perMinute: 8,
      mostFrequent: [
        { word: 'um', count: 3 },
        { word: 'like', count: 2 },
        { word: 'actually', count: 1 },
      ],
    });
  });
});

describe('countFillers', () => {
  it('counts whole words and phrases only', () => {
    const counts = countFillers('I would likely say so. Umm, you know, it is kind of unlike the sort of thing I mean');
    expect(Object.fromEntries(counts)).toEqual({ so: 1, um: 1, 'you know': 1, 'kind of': 1, 'sort of': 1, 'i mean': 1 });
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
