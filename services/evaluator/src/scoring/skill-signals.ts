import type { SpeechAnalytics } from '@parley/contracts';

/**
 * What the offline scorer looks for in each seeded skill (libs/db/seed/data/skills.ts): phrases that show or hurt
 * the skill in the trainee's own words (per language; the seeded scenarios are all English, other languages fall
 * back to the analytics and objectives only), how the speech analytics bear on it, and how much the scenario's
 * objectives weigh in. Each pattern is matched against one trainee sentence; the sentence becomes the quote.
 */
export interface SignalPattern {
  id: string;
  /** What a match shows, as the trainee reads it: "names their feeling". */
  label: string;
  effect: 'shows' | 'hurts';
  /** Points per trainee turn it appears in (counted in at most two turns). */
  weight: number;
  pattern: RegExp;
  /** What to say instead, shown when a "shows" signal never appeared. */
  example?: string;
  /** Counts only in turns before the first turn showing this other signal (e.g. a discount before asking why). */
  onlyBefore?: string;
}

export interface AnalyticsSignal {
  points: number;
  reason: string;
}

export interface SkillSignals {
  /** One line: what a good rating needs. */
  lookingFor: string;
  /** Rating before any evidence (2 = "present, nothing notable" on the seeded rubrics; 3 where the rubric's 3 is the norm). */
  base: number;
  patterns: Readonly<Record<string, readonly SignalPattern[]>>;
  analytics?: (a: SpeechAnalytics, ctx: { traineeTurns: number; wordsPerTurn: number | null }) => AnalyticsSignal[];
  /** 0..1: points added (all objectives met) or taken (none met), scaled by the share met. */
  objectivesWeight: number;
  /** Reusing specific details (names, numbers, words) from the AI's previous turn counts as listening. */
  detailPickup?: number;
}

const re = (source: string) => new RegExp(source, 'i');
const s = (id: string, label: string, weight: number, pattern: string, example?: string): SignalPattern => ({
  id, label, effect: 'shows', weight, pattern: re(pattern), ...(example ? { example } : {}),
});
const h = (id: string, label: string, weight: number, pattern: string, onlyBefore?: string): SignalPattern => ({
  id, label, effect: 'hurts', weight, pattern: re(pattern), ...(onlyBefore ? { onlyBefore } : {}),
});

// Shared English patterns.
const APOLOGY = s('apology', 'apologises', 0.5, String.raw`\b(?:i'?m|i am|we'?re|we are) (?:so |really |very |truly |terribly )?sorry\b|\b(?:i|we) apologi[sz]e\b|\bmy apologies\b`, 'I am sorry about this.');
const FEELING_WORDS = 'frustrat\\w*|stress\\w*|worr\\w*|upset\\w*|annoy\\w*|difficult|hard|disappoint\\w*|scar\\w*|overwhelm\\w*|confus\\w*|anxious|concern\\w*|nervous|angry|inconvenien\\w*|unfair';
const NAMES_FEELING = s(
  'names-feeling',
  'names their feeling',
  1.25,
  String.raw`\b(?:that|this|it) (?:must|sounds?|seems?|would|can) (?:be |have been |feel )?(?:really |so |very |incredibly |quite )?(?:${FEELING_WORDS})|\bi can (?:imagine|understand|see|hear) (?:how|why|that|what)|\bi (?:completely |totally |really )?understand (?:how|why|that|your|what)|\byou(?:'re| are| must be| sound| seem)(?: really| so| very| quite)? (?:${FEELING_WORDS})|\b(?:completely|totally|perfectly) understandable\b|\bi(?:'d| would) (?:feel|be) (?:the same|${FEELING_WORDS})`,
  'That must be really frustrating, especially when you were counting on it.',
);
const RUDE = String.raw`\bnot my problem\b|\b(?:i )?don'?t care\b|\bwho cares\b|\bshut up\b|\b(?:yeah|ok|okay),? whatever\b|^whatever\b|\bstupid\b|\bridiculous\b|\bidiot\b|\bdumb\b|\bare you deaf\b|\bdamn\b|\bcrap\b|\bshit\b|\bf\*?u?ck\w*`;
const DISMISSIVE = String.raw`\bcalm down\b|\b(?:not|no) (?:a )?big deal\b|\byou should have\b|\bit'?s your (?:own )?fault\b|\bthat'?s just (?:how|the way)\b|\b(?:there'?s )?nothing (?:i|we) can do\b|\byou need to relax\b|\boverreact\w*|\bthat'?s (?:the|our) policy\b|\bnot our fault\b|\bdon'?t (?:shout|yell)\b|\blower your voice\b`;
const HEDGES = String.raw`\bi think maybe\b|\bi guess\b|\bi'?m not (?:really )?sure\b|\bi don'?t know\b|\b(?<!what |a |the |this |that )(?:kind|sort) of\b|\bmaybe\b|\bperhaps\b|\bprobably\b|\bi just\b|\bhopefully\b|\bi'?ll try\b`;
const TIME_FRAME = String.raw`\bby (?:tomorrow|today|tonight|monday|tuesday|wednesday|thursday|friday|the end of)\b|\bwithin (?:the next )?(?:\w+ )?(?:hours?|days?|minutes|weeks?)\b|\b(?:\d+|one|two|three|four|five|six|seven) (?:to|-) (?:\d+|two|three|four|five|six|seven|eight|ten|fourteen) (?:business |working )?days\b|\bin the next (?:\w+ )?(?:hours?|days?)\b`;
const OWNERSHIP = String.raw`\bi(?:'ll| will) (?:personally |now |right away |go ahead and )?(?:make sure|take care|look into|sort|fix|handle|process|refund|send|arrange|escalate|follow up|call|email|check|update)\b|\blet me (?:fix|sort|take care|look into|check|process|handle)\b|\bi'?m going to (?:fix|sort|make sure|process|refund|send)\b|\bi'?ve (?:gone ahead|processed|issued|refunded|sent|reversed|escalated)\b`;
const CHECKS_LANDED = String.raw`\bdoes that (?:address|answer|help|make sense|work|sound)\b|\bhow does that sound\b|\bwould that work\b|\bis that (?:fair|helpful|okay|ok|all right|alright)\b`;

const fillerPenalty = (a: SpeechAnalytics, strong: number): AnalyticsSignal[] => {
  const perMinute = a.fillerWords.perMinute;
  if (perMinute === null) return [];
  if (perMinute > 8) return [{ points: -strong, reason: `${a.fillerWords.count} filler words (${perMinute} a minute) break up your sentences` }];
  if (perMinute > 4) return [{ points: -strong / 3, reason: `some filler words (${perMinute} a minute)` }];
  if (a.traineeWords >= 40 && perMinute < 2) return [{ points: 0.25, reason: `almost no filler words (${a.fillerWords.count})` }];
  return [];
};

const interruptionPenalty = (a: SpeechAnalytics): AnalyticsSignal[] =>
  a.interruptions && a.interruptions.count >= 2
    ? [{ points: -0.5, reason: `cut the other person off ${a.interruptions.count} times (turns ${a.interruptions.turns.join(', ')})` }]
    : [];

export const SKILL_SIGNALS: Readonly<Record<string, SkillSignals>> = {
  'active-listening': {
    lookingFor: 'acknowledging, paraphrasing and picking up the details they gave',
    base: 2,
    objectivesWeight: 0.25,
    detailPickup: 0.5,
    patterns: {
      en: [
        s('paraphrase', 'paraphrases or summarises what they said', 1, String.raw`\bso what you'?re saying\b|\bso you'?re saying\b|\bif i (?:understand|understood|'ve understood|have understood)\b|\bwhat i'?m hearing\b|\blet me make sure i (?:understand|got)\b|\bjust to (?:confirm|recap|make sure)\b|\bto (?:recap|summari[sz]e)\b|\bit sounds like you\b|\bso (?:basically )?you(?:'ve| have)? (?:been|had|were|got|need|want)\b`, 'So what you are saying is…'),
        s('refers-back', 'refers back to their words', 0.75, String.raw`\byou (?:mentioned|said|told me)\b|\bas you (?:said|mentioned)\b|\bgoing back to what you\b`, 'You mentioned…'),
        s('checks-summary', 'checks that the summary is right', 0.75, String.raw`\bis that (?:right|correct)\b|\bdid i get that right\b|\bhave i got that right\b|\bdoes that sound right\b|\bam i right\b`, 'Did I get that right?'),
        s('acknowledges', 'acknowledges what they said', 0.5, String.raw`\bi see\b|\bi hear you\b|\bgot it\b|\bunderstood\b|\bthat makes sense\b|\bthanks for (?:explaining|telling|sharing|letting me know)\b|\bthank you for (?:explaining|telling|sharing|letting me know)\b`, 'I see, thanks for explaining.'),
        h('talks-past', 'talks past them', 0.75, String.raw`\b(?:as|like) i (?:already )?said\b|\bi already (?:told|said)\b|\byou'?re not listening\b|\blet me finish\b|\bcan i finish\b`),
      ],
    },
    analytics: (a) => [
      ...(a.talkRatio !== null && a.talkRatio > 0.7 ? [{ points: -0.5, reason: `you spoke ${Math.round(a.talkRatio * 100)}% of the time, leaving little room to listen` }] : []),
      ...interruptionPenalty(a),
    ],
  },
  empathy: {
    lookingFor: 'naming their feeling and its cause, validating it, and keeping a caring tone',
    base: 2,
    objectivesWeight: 0.25,
    patterns: {
      en: [
        NAMES_FEELING,
        APOLOGY,
        s('validates', 'validates or reassures', 0.75, String.raw`\bthank you for (?:your patience|bearing with|waiting|telling me|sharing|being (?:so )?(?:patient|honest|open))\b|\bi'?m (?:here|happy) to help\b|\bwe'?ll (?:sort|figure|work) (?:this|it) out\b|\bi'?ll take care of\b|\byou'?re not alone\b|\btake your time\b|\bthat'?s a (?:fair|valid|reasonable|good) (?:concern|question|point)\b|\byou did the right thing\b`, 'Thank you for your patience; we will sort this out.'),
        h('dismisses', 'dismisses their feelings', 1.5, `${DISMISSIVE}|${RUDE}|\\bdon'?t worry about it\\b`),
      ],
    },
    analytics: (a) => interruptionPenalty(a),
  },
  'discovery-questioning': {
    lookingFor: 'open, purposeful questions about needs, impact and priorities before proposing anything',
    base: 2,
    objectivesWeight: 0.25,
    patterns: {
      en: [
        s('open-question', 'asks an open question', 0.75, String.raw`^(?:(?:so|and|okay|ok|well|now|great|thanks|right),? )*(?:what|how|why|tell me|walk me through|describe|help me understand|could you (?:tell|walk|describe|explain)|can you (?:tell|walk|describe|explain))\b`, 'What made you start looking at this now?'),
        s('impact', 'digs into impact or priorities', 0.75, String.raw`\bwhat happens (?:if|when)\b|\bhow (?:does|did|would|is) (?:that|this|it) (?:affect|affecting|impact|impacting)\b|\bwhat (?:impact|effect)\b|\bwhat'?s (?:most important|driving|the priority)\b|\bwhat matters (?:most|to you)\b|\bwhat else\b|\banything else\b|\bwho else\b|\bwhat (?:would|does) success\b|\bhow do you (?:decide|choose|measure)\b|\bpriorit(?:y|ies)\b`, 'How is that affecting your team today?'),
        h('pitches', 'pitches before asking', 0.5, String.raw`\blet me tell you about\b|\bour (?:product|solution|platform|service) (?:is|can|will|does)\b|\bwe offer\b|\byou should (?:buy|get|sign up|upgrade)\b`, 'open-question'),
      ],
    },
    analytics: (a) => [
      ...(a.questionsAsked === 0 ? [{ points: -1, reason: 'asked no questions' }] : []),
      ...(a.questionsAsked >= 3 ? [{ points: 0.5, reason: `asked ${a.questionsAsked} questions` }] : []),
      ...(a.talkRatio !== null && a.talkRatio <= 0.5 && a.traineeWords > 0 ? [{ points: 0.25, reason: `let them do most of the talking (you: ${Math.round(a.talkRatio * 100)}%)` }] : []),
    ],
  },
  'objection-handling': {
    lookingFor: 'acknowledging the pushback, finding the real concern and answering it with specifics',
    base: 2,
    objectivesWeight: 0.5,
    patterns: {
      en: [
        s('acknowledges-objection', 'acknowledges the objection', 1, String.raw`\bi (?:completely |totally )?understand (?:the|your|that) (?:concern|hesitation|worry|point)\b|\bthat'?s a (?:fair|valid|good|reasonable) (?:point|concern|question)\b|\bi hear (?:you|your concern)\b|\bi get (?:that|it|why)\b|\bfair enough\b|\bmakes sense\b`, 'That is a fair concern.'),
        s('clarifies', 'finds the real concern', 1, String.raw`\bwhat (?:specifically|exactly)\b|\bwhat (?:part|aspect)\b|\bis it (?:the|mainly|mostly|more)\b|\bwhat would (?:need to|have to|make)\b|\bwhat'?s behind\b|\bif we could\b.{0,60}\bwould you\b|\b(?:apart|aside) from\b|\bother than (?:that|price|the price|cost)\b|\bcompared to what\b`, 'What specifically worries you about the price?'),
        s('specifics', 'answers with specifics or options', 0.75, String.raw`\bfor (?:example|instance)\b|\bcustomers (?:like you|typically|usually)\b|\bon average\b|\bsav(?:e|es|ing|ings)\b|\breturn on\b|\broi\b|\bcase study\b|\boptions?\b|\balternatively\b|\bwe could\b|\bwhat if we\b`, 'For example, teams your size save about 6 hours a week.'),
        s('checks-landed', 'checks the answer landed', 0.75, CHECKS_LANDED, 'Does that address your concern?'),
        h('pressures', 'argues or pressures', 1, String.raw`\byou'?re wrong\b|\bthat'?s not true\b|\byou don'?t understand\b|\btrust me\b|\bthis offer (?:ends|expires)\b|\byou (?:have|need) to decide\b|\btake it or leave it\b|\bfinal offer\b|\beveryone (?:else )?(?:buys|uses)\b`),
        h('discount-first', 'reaches for a discount before finding the concern', 0.5, String.raw`\bdiscount\b|\b\d+ ?(?:%|percent) off\b|\bcheaper\b`, 'clarifies'),
      ],
    },
    analytics: (a) => interruptionPenalty(a),
  },
  'clarity-structure': {
    lookingFor: 'leading with the point, signposting the steps and stating the next step',
    base: 2,
    objectivesWeight: 0.25,
    patterns: {
      en: [
        s('signposts', 'signposts', 0.75, String.raw`\bfirst(?:ly|,| of all)\b|\bsecond(?:ly)?\b|\bafter that\b|\bfinally\b|\bto (?:summari[sz]e|recap)\b|\bin summary\b|\bthe (?:main|key) (?:point|thing|reason|issue)\b|\bhere'?s (?:what|the plan)\b|\b(?:two|three) things\b|\bstep (?:one|1|two|2)\b`, 'First…, then…, and finally…'),
        s('next-step', 'states the next step', 0.75, `\\bthe next steps?\\b|\\bwhat happens next\\b|\\byou(?:'ll| will) (?:receive|get|see)\\b|${TIME_FRAME}|${OWNERSHIP}`, 'Next, I will… and you will see it by…'),
        s('confirms', 'confirms understanding', 0.5, String.raw`\bdoes that make sense\b|\bis that clear\b|\bany questions\b|\bdo you have any (?:other )?questions\b|\bshall i go over\b`, 'Does that make sense?'),
        h('hedges', 'hedges', 0.25, HEDGES),
      ],
    },
    analytics: (a) => [
      ...fillerPenalty(a, 0.75),
      ...(a.longestMonologueWords !== null && a.longestMonologueWords > 120 ? [{ points: -0.5, reason: `one turn ran to ${a.longestMonologueWords} words` }] : []),
      ...(a.wordsPerMinute !== null && a.wordsPerMinute > 185 ? [{ points: -0.5, reason: `fast pace (${a.wordsPerMinute} words a minute)` }] : []),
      ...(a.wordsPerMinute !== null && a.wordsPerMinute < 90 && a.traineeWords >= 30 ? [{ points: -0.25, reason: `slow pace (${a.wordsPerMinute} words a minute)` }] : []),
    ],
  },
  negotiation: {
    lookingFor: 'a reasoned anchor, exploring their interests and trading concessions conditionally',
    base: 2,
    objectivesWeight: 0.5,
    patterns: {
      en: [
        s('conditional-trade', 'trades concessions conditionally', 1.25, String.raw`\bif you (?:can|could|were able to|would|agree)\b.{0,80}\b(?:i|we) (?:can|could|would|will)\b|\bin (?:exchange|return)\b|\bon (?:the )?condition\b|\bprovided (?:that )?\b|\bif we (?:agree|commit|sign)\b`, 'If you can commit to two years, I can bring the price down.'),
        s('justifies', 'justifies the position with reasons', 0.5, String.raw`\bbased on\b|\bgiven (?:that|my|our)\b|\bmarket (?:rate|data|range|value)\b|\bbecause\b|\bthe reason\b|\bbenchmark\w*\b|\bcomparable\b|\bindustry (?:average|standard)\b`, 'Based on the market range for this role…'),
        s('interests', 'explores their interests', 0.75, String.raw`\bwhat (?:matters|is important|'s important) (?:most )?to you\b|\bwhat are you (?:hoping|looking) for\b|\bwhat would make (?:this|it) work\b|\bwhat flexibility\b|\bwhat constraints\b|\bwhat'?s driving\b|\bwhere do you have (?:room|flexibility)\b`, 'What matters most to you in this renewal?'),
        s('figure', 'names a specific figure', 0.5, String.raw`\$ ?\d|\b\d+(?:[.,]\d+)? ?(?:%|percent|dollars|euros|k)\b|\b\d{2,3},\d{3}\b`, 'I am looking for 92,000.'),
        s('closes', 'closes with a clear agreement', 0.75, String.raw`\bso we(?:'ve| have)? agreed\b|\bto confirm,? (?:we|the|our)\b|\blet'?s (?:agree|put (?:that|it) in writing|go with)\b|\bwe have a deal\b|\bit'?s a deal\b|\bagreed\b`, 'So we have agreed on…'),
        h('caves', 'concedes without asking for anything', 1, String.raw`\bokay,? (?:fine|whatever you (?:want|say))\b|\bi'?ll (?:just )?accept (?:that|whatever)\b|\bfine,? i'?ll take it\b|\bany(?:thing)? is fine\b|\bwhatever works for you\b`),
        h('ultimatum', 'issues an ultimatum', 0.75, String.raw`\btake it or leave it\b|\bfinal offer\b|\bnon-?negotiable\b|\bor i walk\b|\bi'?ll walk away\b`),
        h('hedges', 'hedges', 0.25, HEDGES),
      ],
    },
    analytics: (a) => fillerPenalty(a, 0.25),
  },
  'giving-feedback': {
    lookingFor: 'specific behaviour and its impact, their view invited, and an agreed plan',
    base: 2,
    objectivesWeight: 0.5,
    patterns: {
      en: [
        s('behaviour', 'describes specific behaviour', 1, String.raw`\bi (?:noticed|saw|observed|have noticed|'ve noticed)\b|\bin (?:the|last|yesterday'?s|this|our) (?:meeting|week|sprint|month|report|call|review|standup)\b|\b(?:on|last) (?:monday|tuesday|wednesday|thursday|friday)\b|\bfor (?:example|instance)\b|\bspecifically\b`, 'In Tuesday\'s client call, I noticed…'),
        s('impact', 'names the impact', 0.75, String.raw`\bthe (?:impact|effect)\b|\b(?:this|that|it) meant\b|\bas a result\b|\bwhich (?:meant|caused|led)\b|\bit affected\b|\bbecause of that\b`, 'As a result, the team had to…'),
        s('invites-view', 'invites their view', 1, String.raw`\bhow do you see it\b|\bwhat'?s your (?:view|take|perspective)\b|\bhow do you feel about\b|\bwhat do you think\b|\bwhat'?s going on\b|\bis there anything (?:going on|i should know)\b|\bhelp me understand\b|\bhow are you (?:doing|feeling)\b`, 'How do you see it?'),
        s('plan', 'agrees a plan or follow-up', 0.75, String.raw`\blet'?s agree\b|\bgoing forward\b|\bnext time\b|\bwhat could you do\b|\bwhat support\b|\bhow can i (?:help|support)\b|\blet'?s (?:check in|meet|review|follow up|talk again)\b|\bfollow up\b|\bby (?:next|the end of)\b`, 'Let\'s check in again next Friday.'),
        h('labels-person', 'labels the person, not the behaviour', 1.5, String.raw`\byou(?:'re| are) (?:so |just |really )?(?:lazy|useless|careless|sloppy|incompetent|unprofessional|terrible|hopeless)\b|\byou always\b|\byou never\b|\bwhat'?s wrong with you\b|\bnot good enough\b|${RUDE}`),
      ],
    },
  },
  'professional-tone': {
    lookingFor: 'courtesy, calm ownership ("I will…") and using their name',
    base: 3,
    objectivesWeight: 0.25,
    patterns: {
      en: [
        s('courtesy', 'stays courteous', 0.5, String.raw`\bplease\b|\bthank you\b|\bthanks\b|\byou'?re welcome\b|\bmy pleasure\b|\b(?:happy|glad) to help\b|\bof course\b|\bcertainly\b`, 'Thank you, I am happy to help.'),
        s('ownership', 'takes ownership', 0.75, `${OWNERSHIP}|\\bi can (?:help|do|offer|arrange|check)\\b|\\blet me\\b`, 'I will take care of this for you.'),
        h('rude', 'is rude or dismissive', 2, RUDE),
        h('blames', 'blames or deflects', 1.25, String.raw`\bit'?s your (?:own )?fault\b|\byou should have\b|\bthat'?s not my (?:job|department|responsibility)\b|\byou(?:'re| are) wrong\b|\bnot our fault\b|\byou people\b|\bcalm down\b`),
        h('casual', 'slips into overly casual language', 0.25, String.raw`\byo\b|\bdude\b|\bbro\b|\bgonna\b|\bwanna\b|\bnah\b|\byep\b|\byeah yeah\b`),
      ],
    },
    analytics: (a) => interruptionPenalty(a),
  },
  'language-fluency': {
    lookingFor: 'complete sentences, situation vocabulary and polite requests, without long pauses',
    base: 2,
    objectivesWeight: 0.25,
    patterns: {
      en: [
        s('polite-request', 'makes polite requests', 0.75, String.raw`\bcould (?:i|you|we)\b|\bwould you mind\b|\bmay i\b|\bi would like\b|\bi'?d like\b|\bwould it be possible\b|\bdo you have\b|\bcan i (?:have|get|ask)\b`, 'Could I have…, please?'),
        s('courtesy', 'uses polite forms', 0.25, String.raw`\bplease\b|\bthank you\b|\bexcuse me\b`, 'Excuse me…, thank you.'),
      ],
    },
    analytics: (a, ctx) => [
      ...(ctx.wordsPerTurn !== null && ctx.wordsPerTurn >= 8 ? [{ points: 0.5, reason: `answers in complete sentences (${ctx.wordsPerTurn} words a turn on average)` }] : []),
      ...(ctx.wordsPerTurn !== null && ctx.wordsPerTurn < 4 ? [{ points: -1, reason: `mostly single words or fragments (${ctx.wordsPerTurn} words a turn on average)` }] : []),
      ...fillerPenalty(a, 0.75),
      ...(a.wordsPerMinute !== null && a.wordsPerMinute < 80 && a.traineeWords >= 20 ? [{ points: -0.5, reason: `slow, halting pace (${a.wordsPerMinute} words a minute)` }] : []),
      ...(a.averageResponseLatencyMs !== null && a.mode !== 'text' && a.averageResponseLatencyMs > 4000 ? [{ points: -0.5, reason: `long pauses before answering (${(a.averageResponseLatencyMs / 1000).toFixed(1)} s on average)` }] : []),
    ],
  },
  'de-escalation': {
    lookingFor: 'validating the frustration, owning the problem and committing to a time frame',
    base: 2,
    objectivesWeight: 0.5,
    patterns: {
      en: [
        { ...NAMES_FEELING, id: 'validates', label: 'validates the frustration', weight: 1 },
        APOLOGY,
        s('ownership', 'takes ownership', 1, OWNERSHIP, 'I will personally make sure this is fixed.'),
        s('options', 'gives them options', 0.75, String.raw`\bwould you (?:prefer|rather|like)\b|\byou can choose\b|\b(?:two|a few|some) options\b|\beither\b.{1,60}\bor\b|\bwhich would you prefer\b`, 'Would you prefer a refund or a replacement?'),
        s('time-frame', 'commits to a time frame', 0.75, TIME_FRAME, 'You will have it by Thursday.'),
        h('escalates', 'escalates: argues, blames or says "calm down"', 1.5, `${DISMISSIVE}|${RUDE}`),
      ],
    },
    analytics: (a) => [
      ...interruptionPenalty(a),
      ...(a.wordsPerMinute !== null && a.wordsPerMinute > 185 ? [{ points: -0.25, reason: `rushed pace (${a.wordsPerMinute} words a minute)` }] : []),
    ],
  },
  'problem-solving': {
    lookingFor: 'diagnosing, proposing a concrete next step and checking that it worked',
    base: 2,
    objectivesWeight: 0.75,
    patterns: {
      en: [
        s('diagnoses', 'diagnoses with questions', 0.75, String.raw`\bwhen did\b|\bhow long\b|\bhave you (?:tried|checked|restarted)\b|\bwhat (?:happens|error|message|do you see|exactly)\b|\bwhich (?:device|account|model|version|email|charge)\b|\b(?:can|could) you (?:check|tell me|see|confirm|read)\b|\bis it (?:only|just|all)\b`, 'When did it start, and have you tried restarting the router?'),
        s('next-step', 'proposes a concrete next step', 1.25, `\\b(?:i'?ll|i will|i'?ve|i have|let me|i'?m going to|i can|we'?ll|we will|we can) (?:\\w+ ){0,3}(?:refund\\w*|revers\\w*|credit\\w*|send|process\\w*|issue\\w*|reset|replace|reship|escalat\\w*|arrange|book|schedule|update|fix|cancel\\w*|walk you through)\\b|\\bthe (?:next step|fix)\\b|\\btry (?:restarting|turning|unplugging|resetting)\\b|\\bplease (?:restart|unplug|try|go to|open|click)\\b`, 'I will refund the duplicate charge now.'),
        s('verifies', 'checks that it worked', 0.75, String.raw`\bdid that (?:work|help|fix)\b|\bis it working\b|\bdoes it work now\b|\b(?:can|could) you (?:see|confirm) (?:it|that|the)\b|\bhas that (?:solved|fixed|resolved)\b|\bis there anything else\b|\banything else i can\b`, 'Can you confirm it is working now?'),
        s('fallback', 'offers a fallback or prevention', 0.5, String.raw`\bif (?:that|it) doesn'?t (?:work|help)\b|\bif not,|\botherwise\b|\bas a backup\b|\bto prevent\b|\bin (?:the )?future\b|\bgoing forward\b`, 'If that does not work, we will…'),
        h('gives-up', 'gives up or guesses', 1, String.raw`\bi don'?t know\b|\b(?:there'?s )?nothing (?:i|we) can do\b|\bcan'?t help (?:you )?with that\b|\bnot sure what to do\b|\bno idea\b|\byou'?ll have to (?:call|contact) (?:someone|somebody) else\b`),
      ],
    },
  },
  'self-presentation': {
    lookingFor: 'concrete examples of what you personally did, with measurable results',
    base: 2,
    objectivesWeight: 0.25,
    patterns: {
      en: [
        s('own-action', 'states what they personally did', 1, String.raw`\bi (?:led|built|managed|designed|created|launched|delivered|ran|owned|organi[sz]ed|improved|reduced|increased|grew|drove|introduced|negotiated|trained|coached|set up|wrote|automated|migrated)\b`, 'I led the migration of…'),
        s('result', 'quantifies a result', 1, String.raw`\b\d+ ?(?:%|percent)|\$ ?\d|\b\d+ (?:people|customers|users|clients|engineers|members|projects|hours|days|weeks|months|tickets)\b|\b(?:doubled|tripled|halved)\b|\b(?:increased|reduced|cut|grew|saved|improved)\b.{0,40}\b(?:by|to) \d`, '…which cut the response time by 40 percent.'),
        s('story', 'tells it as a story (situation, action, result, lesson)', 0.75, String.raw`\bthe (?:situation|challenge|problem) was\b|\bmy (?:task|role|goal|job) was\b|\bas a result\b|\bthe result was\b|\bwhat i learned\b|\bi learned\b`, 'The challenge was… my role was… as a result…'),
        h('undersells', 'hedges or undersells', 0.5, HEDGES),
      ],
    },
    analytics: (a) => [
      ...fillerPenalty(a, 0.5),
      ...(a.questionsAsked >= 1 ? [{ points: 0.25, reason: `asked ${a.questionsAsked} question${a.questionsAsked === 1 ? '' : 's'} of the interviewer` }] : []),
    ],
  },
};

/** A skill the scorer has no declaration for (e.g. added later): analytics and objectives only, said so. */
export const GENERIC_SIGNALS: SkillSignals = {
  lookingFor: 'the behaviour its rubric describes (no offline patterns are declared for this skill)',
  base: 2,
  objectivesWeight: 0.75,
  patterns: {},
  analytics: (a) => [...fillerPenalty(a, 0.5), ...interruptionPenalty(a)],
};
