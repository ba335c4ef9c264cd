import type { Skill } from '@parley/contracts';

/**
 * The skills scenarios are assessed on. Each rubric describes observable behaviour in a transcript, so a human
 * reviewer, the LLM judge and the offline heuristic can all rate against the same words.
 */
export const skills: Skill[] = [
  {
    id: 'active-listening',
    name: 'Active listening',
    description:
      'Shows the other person they were heard: acknowledges, paraphrases and builds on what was said instead of waiting for a turn to talk.',
    rubric: {
      '1': 'Ignores or talks over what the other person says; replies do not connect to their words; repeats questions already answered.',
      '2': 'Occasionally acknowledges the other person ("okay", "I see") but rarely uses what they said; key details are missed or asked again.',
      '3': 'Acknowledges most points and refers back to some details; paraphrases at least once, though some cues go unnoticed.',
      '4': 'Regularly paraphrases and picks up specific details (names, numbers, feelings) and uses them to steer the conversation.',
      '5': 'Consistently reflects both facts and feelings, summarises before moving on, catches subtle cues and checks that the summary is right.',
    },
  },
  {
    id: 'empathy',
    name: 'Empathy',
    description:
      'Recognises and names the other person\'s feelings and point of view, and responds in a way that makes them feel understood.',
    rubric: {
      '1': 'Dismisses or argues with the other person\'s feelings ("that is not a big deal"); focuses only on own agenda.',
      '2': 'Uses a generic apology or stock phrase but moves on immediately; the feeling is not really acknowledged.',
      '3': 'Acknowledges the feeling in specific words at least once and adjusts tone, but empathy is not sustained through the conversation.',
      '4': 'Names the feeling and its cause ("you were counting on this for Friday"), validates it, and keeps a caring tone while solving the problem.',
      '5': 'Empathy is genuine and well-timed throughout: validates without over-apologising, links feelings to needs, and the other person visibly calms or opens up.',
    },
  },
  {
    id: 'discovery-questioning',
    name: 'Questioning and discovery',
    description:
      'Uses open, purposeful questions to uncover needs, causes, constraints and priorities before proposing anything.',
    rubric: {
      '1': 'Asks no real questions, or only yes/no questions; jumps straight to a pitch or solution.',
      '2': 'Asks a few questions, mostly closed or scripted, and does not follow up on the answers.',
      '3': 'Asks several open questions and uncovers the main need, but misses impact, priorities or decision process.',
      '4': 'Asks open and follow-up questions that uncover the need, its impact and the constraints; lets the other person do most of the talking.',
      '5': 'Questions are layered and well sequenced (situation, problem, impact, priority); uncovers something the other person had not said up front and confirms it.',
    },
  },
  {
    id: 'objection-handling',
    name: 'Objection handling',
    description:
      'Responds to pushback by understanding it first, then addressing the real concern with evidence or options rather than pressure.',
    rubric: {
      '1': 'Argues, gets defensive, ignores the objection or gives up as soon as it is raised.',
      '2': 'Answers the surface objection with a stock reply or an immediate discount without finding out what is behind it.',
      '3': 'Acknowledges the objection and gives a relevant answer, but does not check whether the concern is resolved.',
      '4': 'Acknowledges, asks a clarifying question to find the real concern, answers it with specifics and checks that it landed.',
      '5': 'Turns the objection into a shared problem: isolates it, reframes around value or risk, offers options, and secures agreement on a next step.',
    },
  },
  {
    id: 'clarity-structure',
    name: 'Clarity and structure',
    description:
      'Speaks in a clear, organised way: gets to the point, sequences information, and confirms understanding and next steps.',
    rubric: {
      '1': 'Rambling or confusing; the other person cannot tell what is being said or asked; no next step.',
      '2': 'Main point is present but buried; jargon or long monologues make it hard to follow.',
      '3': 'Generally clear with a recognisable point, though some explanations are out of order or too long.',
      '4': 'Leads with the point, explains in logical steps, uses plain language and states the next step.',
      '5': 'Concise and well signposted throughout ("first... then..."), adapts detail to the listener, summarises and confirms agreed actions.',
    },
  },
  {
    id: 'negotiation',
    name: 'Negotiation',
    description:
      'Works toward an agreement that meets own goals while respecting the other side: anchors, trades concessions and explores interests.',
    rubric: {
      '1': 'Accepts the first offer or makes demands with no reasoning; concedes everything or walks out.',
      '2': 'States a position but cannot justify it; makes concessions without asking for anything in return.',
      '3': 'Justifies a position with some evidence and makes at least one conditional trade, but leaves value on the table.',
      '4': 'Anchors with a reasoned figure, explores the other side\'s interests, trades concessions ("if you can..., then I can...") and keeps the relationship positive.',
      '5': 'Creates options across several variables (price, term, scope, timing), knows their walk-away point, and closes a clear agreement that both sides restate.',
    },
  },
  {
    id: 'giving-feedback',
    name: 'Giving feedback',
    description:
      'Delivers feedback that is specific, behaviour-based and forward-looking, and invites the other person\'s view.',
    rubric: {
      '1': 'Vague, personal or harsh ("you are lazy"), or avoids the issue entirely.',
      '2': 'Names the issue but in general terms with no example; lectures without listening.',
      '3': 'Gives at least one concrete example and its impact, but the conversation is one-sided or ends without a plan.',
      '4': 'Describes specific behaviour and impact, asks for the other person\'s perspective and agrees on a change.',
      '5': 'Balanced and respectful throughout: situation, behaviour and impact are clear, listens genuinely, co-creates a specific plan with a follow-up date and offers support.',
    },
  },
  {
    id: 'professional-tone',
    name: 'Professional tone',
    description:
      'Stays courteous, calm and respectful, uses appropriate language for the setting, and owns the conversation.',
    rubric: {
      '1': 'Rude, sarcastic, dismissive or blaming; uses inappropriate language.',
      '2': 'Mostly polite but slips into impatience, blame or overly casual language at points.',
      '3': 'Consistently polite and appropriate, though somewhat flat or scripted.',
      '4': 'Warm, courteous and confident; takes ownership ("I will...") and keeps composure under pressure.',
      '5': 'Exemplary: calm and respectful even when challenged, uses the person\'s name, sets expectations honestly and leaves a strong positive impression.',
    },
  },
  {
    id: 'language-fluency',
    name: 'Language accuracy and fluency',
    description:
      'Speaks the target language accurately and smoothly enough for the situation, with suitable vocabulary and polite forms.',
    rubric: {
      '1': 'Single words or fragments; frequent errors block understanding; long pauses.',
      '2': 'Short phrases with frequent grammar or vocabulary errors; the listener must guess the meaning at times.',
      '3': 'Complete sentences for routine needs; some errors and hesitation, but the meaning is clear.',
      '4': 'Mostly accurate and fluent, uses situation-specific vocabulary and polite requests ("could I...", "would you mind...").',
      '5': 'Natural and accurate throughout, varies sentence structure, handles unexpected questions smoothly and self-corrects the rare slip.',
    },
  },
  {
    id: 'de-escalation',
    name: 'De-escalation',
    description:
      'Lowers the emotional temperature of a tense conversation and moves it toward a resolution.',
    rubric: {
      '1': 'Escalates: interrupts, argues, blames the other person or says things like "calm down" or "not my problem".',
      '2': 'Stays neutral but does not acknowledge the frustration; the other person stays angry.',
      '3': 'Acknowledges the frustration and apologises appropriately; tension drops somewhat but returns.',
      '4': 'Validates the frustration, takes ownership, explains what can be done and gives control back with options; tension clearly drops.',
      '5': 'Turns an angry conversation into a cooperative one: calm pacing, validation, clear ownership and a concrete commitment with a time frame.',
    },
  },
  {
    id: 'problem-solving',
    name: 'Problem solving',
    description:
      'Diagnoses a problem methodically, proposes a workable solution and confirms that it solved the problem.',
    rubric: {
      '1': 'Guesses or gives up; offers no solution or one that does not fit the problem.',
      '2': 'Jumps to a generic fix without diagnosing; steps are unclear or out of order.',
      '3': 'Asks some diagnostic questions and proposes a reasonable fix, but does not verify the outcome.',
      '4': 'Diagnoses step by step, explains the fix clearly and checks that it worked.',
      '5': 'Isolates the root cause efficiently, offers a fix and a fallback, verifies the result and explains how to prevent it next time.',
    },
  },
  {
    id: 'self-presentation',
    name: 'Self-presentation',
    description:
      'Presents own experience persuasively: concrete examples, clear role, measurable results and relevance to the listener.',
    rubric: {
      '1': 'Answers are vague or off-topic; no examples; undersells or contradicts themselves.',
      '2': 'Gives examples but without a clear personal role or result; answers are generic.',
      '3': 'Gives relevant examples with a recognisable situation, action and result, though results are not quantified or linked to the role.',
      '4': 'Uses well-structured examples (situation, task, action, result) with measurable results and links them to what the listener needs.',
      '5': 'Confident, concise and memorable: tailored examples with numbers, reflects on lessons learned, and asks insightful questions of the listener.',
    },
  },
];
