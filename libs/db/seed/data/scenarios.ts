import type { ScenarioContent } from '@parley/contracts';

export type SeedScenario = { id: string } & ScenarioContent;

/*
 * Authoring notes for the offline scripts (the roleplayer used when no model is configured):
 * - Routes are tried in order and the first whose keyword appears in the trainee's transcript wins, so the
 *   "rude" / "gives up" routes come first and broad routes come last.
 * - Keywords are matched case-insensitively as whole words or phrases against an imperfect speech transcript:
 *   prefer common words and short phrases, list plural and spelling variants, and avoid punctuation.
 * - Failure phrases are multi-word on purpose: a bare "whatever" would also catch "whatever I can do to help".
 * - Each `say` holds one spoken line; fallbacks nudge the trainee toward what the scenario needs next.
 */

/** Dismissive or hostile phrases that end a scenario on their own. */
const RUDE = [
  'not my problem',
  "don't care",
  'do not care',
  'who cares',
  'shut up',
  'yeah whatever',
  'okay whatever',
  'ok whatever',
  'whatever you say',
  'leave me alone',
  'go away',
  'i give up',
  'waste of my time',
];

/** Brushing a complaint off: deflecting blame, hiding behind policy or telling the customer to calm down. */
const BRUSH_OFF = [
  'calm down',
  'relax',
  'not my fault',
  'not our fault',
  "carrier's fault",
  'company policy',
  "it's policy",
  'against policy',
  'nothing i can do',
  'nothing we can do',
  'be patient',
];

/** Lines that wind down an objective_failed / objective_met node; the session ends there, so they are rarely heard. */
const GOODBYE = ['Goodbye.', 'Thanks, goodbye.'];

export const scenarios: SeedScenario[] = [
  // ─────────────────────────────────────────────────────────────── sales
  {
    id: 'sales-discovery-call',
    title: 'Discovery call with a logistics prospect',
    summary:
      'A prospect agreed to a short call after downloading your route-planning guide. Uncover how they plan routes today, what it costs them, and who decides, then earn a concrete next step without pitching too early.',
    category: 'sales',
    difficulty: 'intermediate',
    language: 'en-US',
    tags: ['discovery', 'b2b', 'saas', 'first call', 'qualification'],
    persona: {
      name: 'Dana Okafor',
      role: 'Operations Manager, Fleetline Logistics',
      background:
        'Dana runs operations for a regional delivery company with 40 vans. The dispatcher, Luis, plans every route by hand in spreadsheets each morning, which takes about two hours. Drivers rack up around 8,000 dollars a month in overtime and about 12 percent of deliveries arrive late; the biggest customer, a grocery chain, has started complaining. Any purchase needs sign-off from the finance director, Priya, and Dana wants a fix before the October holiday peak. Dana is busy, pragmatic and allergic to generic sales pitches: she opens up to good questions and shuts down if pitched features before being understood.',
      voice: 'slt',
    },
    traineeRole:
      'You are an account executive at RouteWise, a route optimisation platform for delivery fleets. Dana downloaded your guide and accepted a 15-minute discovery call. Your goal is to understand her situation before proposing anything, and to leave with a concrete next step.',
    objectives: [
      {
        id: 'uncover-process-and-pain',
        description: 'Understand how Fleetline plans routes today and what the main pain is.',
        successCriteria: [
          'Asks at least two open questions about the current routing process before describing the product',
          'Learns that routes are planned manually in spreadsheets and that overtime and late deliveries are the pain',
        ],
      },
      {
        id: 'quantify-impact',
        description: 'Quantify the business impact and learn the decision process.',
        successCriteria: [
          'Learns the overtime cost (about 8,000 dollars a month) or the late-delivery rate (about 12 percent)',
          'Asks who else is involved in the decision or what the timeline is',
        ],
      },
      {
        id: 'secure-next-step',
        description: 'Agree a concrete next step.',
        successCriteria: ['Proposes a specific next step, such as a demo with the dispatcher, with a day or time'],
      },
    ],
    endCriteria: {
      maxDurationSec: 600,
      idleTimeoutSec: 90,
      maxTurns: 14,
      objectiveMet: 'Dana agrees to a specific next step (a demo or follow-up meeting) after the trainee has uncovered her process, pain and decision process.',
      objectiveFailed: 'Dana ends the call because the trainee is dismissive or rude, or keeps pitching features and pricing without asking about her situation.',
    },
    skills: ['discovery-questioning', 'active-listening', 'clarity-structure', 'professional-tone'],
    openingInstruction:
      'Answer the call as Dana: greet the trainee, mention you only have about fifteen minutes, and ask what they wanted to talk about. Do not volunteer your problems until asked.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ['Hi, this is Dana from Fleetline. I have about fifteen minutes before my next meeting, so what did you want to talk about?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'asks_about_process',
              keywords: ['how do you', 'how does', 'today', 'currently', 'right now', 'process', 'plan', 'planning', 'routes', 'routing', 'walk me through', 'tell me about', 'how you'],
              next: 'current_process',
            },
            {
              intent: 'pitches_early',
              keywords: ['our product', 'our software', 'our platform', 'our tool', 'feature', 'features', 'pricing', 'price', 'discount', 'demo', 'we offer', 'we provide'],
              next: 'pitch_too_early',
            },
          ],
          fallback: [
            'Sorry, where would you like to start? I can tell you how we run things today if that helps.',
            'I only have a few minutes, so what would you like to know about us?',
          ],
        },
        {
          id: 'current_process',
          say: ['Right now our dispatcher, Luis, builds all forty routes in spreadsheets every morning. It takes him about two hours, and honestly the routes are not great.'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'explores_impact',
              keywords: ['cost', 'costs', 'impact', 'overtime', 'late', 'how much', 'how often', 'affect', 'effect', 'customers', 'problem', 'problems', 'challenge', 'challenges', 'why', 'not great', 'what happens', 'result'],
              next: 'pain',
            },
            {
              intent: 'pitches_early',
              keywords: ['our product', 'our software', 'our platform', 'feature', 'features', 'pricing', 'price', 'discount', 'we offer'],
              next: 'pitch_too_early',
            },
          ],
          fallback: [
            'Is there something specific about the routing you wanted to dig into?',
            'What else would you like to know about how we plan our days?',
          ],
        },
        {
          id: 'pain',
          say: ['The real pain is overtime and late deliveries. Drivers are doing about eight thousand dollars a month in overtime, and around twelve percent of our deliveries arrive late, which our biggest customer has started complaining about.'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'asks_decision_process',
              keywords: ['who else', 'decision', 'decide', 'decides', 'budget', 'timeline', 'timing', 'when', 'deadline', 'involved', 'approve', 'approval', 'sign off', 'priority', 'boss'],
              next: 'decision',
            },
            {
              intent: 'proposes_solution',
              keywords: ['help', 'solve', 'solution', 'reduce', 'cut', 'we can', 'our platform', 'our software', 'show you', 'automatically', 'optimize', 'optimise'],
              next: 'skeptical',
            },
          ],
          fallback: [
            'So, does that sound like something you can actually help with?',
            'What would you need to know from me to see whether this is a fit?',
          ],
        },
        {
          id: 'decision',
          say: ['If we did this, our finance director, Priya, would have to sign off, and Luis would need to be on board. We want something in place before the holiday peak in October.'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'proposes_next_step',
              keywords: ['next step', 'next steps', 'demo', 'meeting', 'schedule', 'calendar', 'invite', 'follow up', 'book', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'next week'],
              next: 'agreed',
            },
            {
              intent: 'proposes_solution',
              keywords: ['help', 'solve', 'solution', 'reduce', 'cut', 'we can', 'our platform', 'our software', 'automatically', 'optimize', 'optimise', 'save'],
              next: 'skeptical',
            },
          ],
          fallback: [
            'So what would you suggest as a next step?',
            'Given that timeline, how would you want to move forward?',
          ],
        },
        {
          id: 'skeptical',
          say: ['That sounds promising, but I have heard big promises before. How exactly would this cut our overtime?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'explains_value',
              keywords: ['minutes', 'automatic', 'automatically', 'fewer', 'shorter', 'miles', 'save', 'saves', 'saving', 'customer', 'customers', 'example', 'case study', 'similar', 'percent', 'traffic', 'optimize', 'optimise', 'optimized', 'because'],
              next: 'convinced',
            },
          ],
          fallback: [
            'Can you give me a concrete example, maybe from a company like ours?',
            'I need something I can show Priya. What kind of results do similar fleets see?',
          ],
        },
        {
          id: 'convinced',
          say: ['Okay, if it really takes Luis minutes instead of hours, that would make a difference. What would you suggest we do next?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'asks_decision_process',
              keywords: ['who else', 'decision', 'decide', 'budget', 'timeline', 'involved', 'approve', 'sign off'],
              next: 'decision',
            },
            {
              intent: 'proposes_next_step',
              keywords: ['next step', 'next steps', 'demo', 'meeting', 'schedule', 'calendar', 'invite', 'follow up', 'book', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'next week', 'trial', 'pilot'],
              next: 'agreed',
            },
          ],
          fallback: [
            'What would a next step look like on your side?',
            'Should we get Luis involved at some point?',
          ],
        },
        {
          id: 'pitch_too_early',
          say: ["Hold on. Before you tell me about features, do you even know how we plan routes today? I don't want a generic pitch."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'pitches_again',
              keywords: ['pricing', 'price', 'discount', 'features', 'feature', 'sign up', 'buy', 'contract', 'license'],
              next: 'lost',
            },
            {
              intent: 'recovers_with_question',
              keywords: ['sorry', 'fair', 'good point', 'you are right', "you're right", 'tell me', 'how do you', 'how does', 'today', 'currently', 'process', 'plan', 'routes', 'walk me through'],
              next: 'current_process',
            },
          ],
          fallback: [
            'I would rather you understood our situation first. Do you want to ask me about it?',
            'Seriously, ask me how we do things now.',
          ],
        },
        {
          id: 'agreed',
          say: ["Okay, let's do it. Send me an invite for a demo, include Luis, and bring an estimate of what we could save on overtime."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'lost',
          say: ["I think I'll stop you there. This doesn't feel like a good use of my time, so send me an email and I'll look at it when I can."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'sales-price-objection',
    title: 'Renewal under price pressure',
    summary:
      'A long-standing customer says a competitor is 25 percent cheaper and threatens to switch at renewal. Find the real concern, defend your value, and close a renewal without giving the margin away.',
    category: 'sales',
    difficulty: 'advanced',
    language: 'en-US',
    tags: ['objection handling', 'renewal', 'pricing', 'b2b', 'retention'],
    persona: {
      name: 'Marcus Bell',
      role: 'Head of Procurement, Brightline Dental Group',
      background:
        'Marcus buys software for a group of 12 dental clinics. They pay 48,000 dollars a year for ClinicFlow scheduling and have a quote from MedSlot for 36,000. The real pressure is a 15 percent cut to his software budget from the board, and some clinic managers say they only use half the features. ClinicFlow reminders cut their no-shows by about 18 percent last year, and MedSlot has no insurance verification. Switching 12 clinics would be painful and he knows it. He is blunt, tests whether the seller will cave, and respects people who hold their ground with facts.',
      voice: 'rms',
    },
    traineeRole:
      'You are the account manager for ClinicFlow, the clinic scheduling platform Brightline has used for three years. The renewal is due in 30 days. You may offer up to 10 percent off in exchange for a two-year commitment, and you can include free training for clinic managers. Matching the competitor price is not an option.',
    objectives: [
      {
        id: 'find-real-concern',
        description: 'Find out what is really behind the price objection before offering anything.',
        successCriteria: [
          'Asks at least one question about the objection before discussing any discount',
          'Learns about the budget cut or the underused features',
        ],
      },
      {
        id: 'defend-value',
        description: 'Reframe the conversation around value and switching risk.',
        successCriteria: [
          'Refers to concrete results such as the reduction in no-shows',
          'Points out a difference or risk, such as insurance verification or the cost of switching 12 clinics',
        ],
      },
      {
        id: 'close-within-limits',
        description: 'Close a renewal without exceeding the 10 percent discount limit.',
        successCriteria: [
          'Trades any discount for a longer commitment rather than giving it away',
          'Does not match the 36,000 dollar competitor price',
        ],
      },
    ],
    endCriteria: {
      maxDurationSec: 720,
      idleTimeoutSec: 90,
      maxTurns: 16,
      objectiveMet: 'Marcus agrees to take a renewal with at most 10 percent off, traded for a longer commitment and/or training, to his board.',
      objectiveFailed: 'The trainee matches the competitor price or gives a discount above 10 percent, or Marcus ends the call because the trainee is defensive or rude.',
    },
    skills: ['objection-handling', 'negotiation', 'discovery-questioning', 'professional-tone'],
    openingInstruction:
      'Open bluntly as Marcus: thank the trainee for their time, state that MedSlot quoted 36,000 against ClinicFlow\'s 48,000, and say that unless they close the gap you are switching. Hide the budget cut until asked.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Thanks for making the time. I'll be blunt: MedSlot quoted us thirty-six thousand a year and you're charging forty-eight. Unless you can close that gap, we're switching."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'discounts_immediately',
              keywords: ['discount', 'match', 'price match', 'lower the price', 'reduce the price', 'cut the price', 'cheaper', 'percent off', 'best price', 'special price'],
              next: 'caved',
            },
            {
              intent: 'explores_objection',
              keywords: ['why', 'what', 'compare', 'comparing', 'included', 'tell me more', 'understand', 'concern', 'concerns', 'help me understand', 'budget', 'apart from', 'besides', 'other than', 'reason'],
              next: 'real_concern',
            },
          ],
          fallback: [
            'So what are you going to do about the price difference?',
            "I need a reason to stay, and right now the numbers don't give me one.",
          ],
        },
        {
          id: 'caved',
          say: ["If you can drop the price that quickly, it makes me wonder what I've been overpaying for. So what's your best number?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'gives_margin_away',
              keywords: ['thirty six', 'thirty-six', '36', 'match', 'twenty five percent', 'twenty percent', 'fifteen percent', 'half price', 'whatever you need'],
              next: 'gave_away',
            },
            {
              intent: 'reframes_on_value',
              keywords: ['value', 'results', 'no shows', 'no-shows', 'noshows', 'return', 'roi', 'saved', 'savings', 'outcomes', 'revenue', 'before we talk', 'first', 'why', 'understand'],
              next: 'real_concern',
            },
          ],
          fallback: [
            "Come on, give me a number. What's the lowest you can go?",
            'Either you have a better number or you have a better reason. Which is it?',
          ],
        },
        {
          id: 'real_concern',
          say: ["Honestly, it's not only MedSlot. The board cut my software budget by fifteen percent this year, and some clinic managers tell me they only use half your features."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'discounts_too_fast',
              keywords: ['match', 'thirty six', 'thirty-six', 'price match', 'cheaper', 'half price'],
              next: 'gave_away',
            },
            {
              intent: 'argues_value',
              keywords: ['no shows', 'no-shows', 'noshows', 'results', 'reminders', 'reminder', 'saved', 'savings', 'revenue', 'value', 'roi', 'return', 'data', 'numbers', 'usage', 'features', 'training', 'train', 'eighteen percent', 'appointments'],
              next: 'value',
            },
          ],
          fallback: [
            'So how do you justify forty-eight when I have a budget cut to deal with?',
            'What exactly am I getting for the extra twelve thousand?',
          ],
        },
        {
          id: 'value',
          say: ["Fair point, the reminders did cut our no-shows, I'll give you that. But MedSlot says they have reminders too, so why should I pay more?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'gives_margin_away',
              keywords: ['match', 'thirty six', 'thirty-six', 'price match', 'half price'],
              next: 'gave_away',
            },
            {
              intent: 'differentiates',
              keywords: ['insurance', 'verification', 'verify', 'integration', 'integrations', 'switching', 'switch', 'migration', 'migrate', 'risk', 'downtime', 'support', 'retrain', 'retraining', 'staff', 'twelve clinics', 'disruption'],
              next: 'open_to_deal',
            },
          ],
          fallback: [
            'What do you do that MedSlot does not?',
            'Give me something concrete I can tell the board about why you are worth more.',
          ],
        },
        {
          id: 'open_to_deal',
          say: ["True, moving twelve clinics would be a headache, and we do rely on the insurance checks. Still, I have to show the board some savings, so what can you do for me?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'lost' },
            {
              intent: 'gives_margin_away',
              keywords: ['thirty six', 'thirty-six', '36', 'match', 'twenty five percent', 'twenty percent', 'fifteen percent', 'half price'],
              next: 'gave_away',
            },
            {
              intent: 'trades_concession',
              keywords: ['two year', 'two-year', 'two years', 'multi year', 'multi-year', 'longer', 'commitment', 'commit', 'training', 'ten percent', '10 percent', 'five percent', '5 percent', 'eight percent', 'if you', 'in exchange', 'in return'],
              next: 'agreed',
            },
          ],
          fallback: [
            "I'm listening. What kind of deal could you put together?",
            "I can't walk into the board meeting with nothing. What are you offering, and what do you need from me?",
          ],
        },
        {
          id: 'agreed',
          say: ["Okay. A better rate in exchange for a longer commitment, plus training for the clinic managers, is something I can take to the board. Send me the paperwork this week."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'gave_away',
          say: ["Thirty-six it is, then. Honestly, if you were willing to go that low, I'll be pushing for even more next year."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
        {
          id: 'lost',
          say: ["Then I think we're done here. I'll go ahead with MedSlot."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  // ─────────────────────────────────────────────────────────────── customer support
  {
    id: 'support-late-delivery',
    title: 'Angry customer: a late delivery',
    summary:
      'A customer calls for the third time about a standing desk that is a week late. Calm the conversation down, take ownership, offer a concrete fix and make sure she knows exactly what happens next.',
    category: 'customer_support',
    difficulty: 'intermediate',
    language: 'en-US',
    tags: ['de-escalation', 'complaint', 'e-commerce', 'refund', 'ownership'],
    persona: {
      name: 'Rachel Stein',
      role: 'Customer of Northwind, an online home goods store',
      background:
        'Rachel ordered a 420 dollar standing desk (order 58213) that was promised for last Tuesday. The tracking has not moved for six days. She works from home, has been working at her kitchen table with back pain, and this is her third call: the previous two agents promised a callback that never came. She is angry but fair: she softens when someone acknowledges the hassle and takes ownership, and gets angrier if told to calm down, quoted policy or blamed on the carrier. She wants the desk quickly, no more shipping costs, and some recognition for the trouble.',
      voice: 'slt',
    },
    traineeRole:
      'You are a customer support agent at Northwind. You can see that the parcel is lost in the carrier network. You may reship with free express delivery (arrives in 2 business days), refund the 35 dollar shipping fee, offer a goodwill credit of up to 50 dollars, or issue a full refund.',
    objectives: [
      {
        id: 'de-escalate',
        description: 'Lower the tension by acknowledging the frustration and taking ownership.',
        successCriteria: [
          'Apologises and acknowledges the repeated calls or the impact on Rachel in specific words',
          'Does not tell her to calm down, quote policy or blame the carrier',
        ],
      },
      {
        id: 'resolve',
        description: 'Offer a concrete resolution.',
        successCriteria: [
          'Offers a reship with express delivery or a refund',
          'Compensates for the trouble, for example by refunding shipping or adding a credit',
        ],
      },
      {
        id: 'confirm-next-steps',
        description: 'Make the next steps clear.',
        successCriteria: ['States when the desk will arrive and how Rachel will be kept informed (email, tracking, a personal follow-up)'],
      },
    ],
    endCriteria: {
      maxDurationSec: 600,
      idleTimeoutSec: 90,
      maxTurns: 14,
      objectiveMet: 'Rachel accepts a concrete resolution with a delivery date and knows how she will be kept updated.',
      objectiveFailed: 'Rachel asks for a manager and ends the call because the trainee is dismissive, blames her or the carrier, or escalates the conflict.',
    },
    skills: ['de-escalation', 'empathy', 'problem-solving', 'professional-tone'],
    openingInstruction:
      'Open as Rachel, clearly frustrated: say this is your third call about a standing desk that was due last Tuesday, the tracking has not moved in six days, and nobody can tell you anything.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Finally, a person. This is the third time I'm calling about my standing desk. It was supposed to arrive last Tuesday, the tracking hasn't moved in six days, and nobody can tell me anything."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'manager' },
            {
              intent: 'escalates',
              keywords: BRUSH_OFF,
              next: 'angrier',
            },
            {
              intent: 'acknowledges',
              keywords: ['sorry', 'apologize', 'apologise', 'apologies', 'frustrating', 'frustrated', 'understand', 'hear you', 'must be', 'unacceptable', 'not okay', 'third time', "that's awful", 'i get it'],
              next: 'calmer',
            },
            {
              intent: 'asks_details_first',
              keywords: ['order number', 'order', 'email', 'look into', 'look up', 'check', 'name', 'account'],
              next: 'curt_details',
            },
          ],
          fallback: [
            'Are you even listening? My desk is a week late.',
            'I just want someone to take this seriously for once.',
          ],
        },
        {
          id: 'curt_details',
          say: ["It's order five eight two one three. I've given that number twice already. Can you actually do something this time?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'manager' },
            {
              intent: 'escalates',
              keywords: BRUSH_OFF,
              next: 'angrier',
            },
            {
              intent: 'acknowledges',
              keywords: ['sorry', 'apologize', 'apologise', 'apologies', 'frustrating', 'understand', 'hear you', 'unacceptable', 'third time', 'i get it'],
              next: 'status',
            },
            {
              intent: 'offers_fix',
              keywords: ['lost', 'reship', 'resend', 'send a new', 'replace', 'replacement', 'refund', 'express', 'new one', 'options', 'option'],
              next: 'options',
            },
          ],
          fallback: [
            'Well? What does it say on your screen?',
            'Please tell me you can see what happened to it.',
          ],
        },
        {
          id: 'calmer',
          say: ["Okay. Thank you for saying that. I just need to know where my desk is, because I've been working at my kitchen table all week and my back is killing me."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'manager' },
            {
              intent: 'escalates',
              keywords: BRUSH_OFF,
              next: 'angrier',
            },
            {
              intent: 'offers_fix',
              keywords: ['reship', 'resend', 'send a new', 'replace', 'replacement', 'refund', 'express', 'new one', 'credit'],
              next: 'options',
            },
            {
              intent: 'looks_it_up',
              keywords: ['order', 'number', 'look', 'look up', 'check', 'email', 'details', 'account', 'name', 'find out', 'track', 'tracking'],
              next: 'status',
            },
          ],
          fallback: [
            'So can you find out what happened to it?',
            'What do you need from me to track it down?',
          ],
        },
        {
          id: 'status',
          say: ["It's order five eight two one three. So what does it say? Is it lost?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'manager' },
            {
              intent: 'escalates',
              keywords: BRUSH_OFF,
              next: 'angrier',
            },
            {
              intent: 'explains_and_offers',
              keywords: ['lost', 'reship', 'resend', 'send a new', 'replace', 'replacement', 'refund', 'express', 'new one', 'credit', 'carrier', 'options', 'option', 'yes', 'unfortunately', 'looks like'],
              next: 'options',
            },
          ],
          fallback: [
            "Please just tell me straight. Is it coming or not?",
            "What are you seeing on your end?",
          ],
        },
        {
          id: 'options',
          say: ["A new one with express shipping would be great, but I'm not paying for shipping again, and I want something for all these calls. When would it actually get here?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'manager' },
            {
              intent: 'escalates',
              keywords: BRUSH_OFF,
              next: 'angrier',
            },
            {
              intent: 'commits',
              keywords: ['refund', 'credit', 'free', 'no charge', 'no cost', 'waive', 'on us', 'thursday', 'friday', 'monday', 'tuesday', 'wednesday', 'tomorrow', 'two days', 'business days', 'days', 'guarantee', 'fifty dollars', 'voucher'],
              next: 'commitment',
            },
          ],
          fallback: [
            'So what can you offer me for the trouble, and when will it arrive?',
            "I need a date, and I don't want to pay a cent more.",
          ],
        },
        {
          id: 'commitment',
          say: ["Okay, that's fair. And how will I know it's actually on its way this time? Nobody called me back before."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'manager' },
            {
              intent: 'confirms_follow_up',
              keywords: ['email', 'text', 'tracking', 'call you', 'call back', 'update', 'updates', 'notify', 'personally', 'myself', 'confirm', 'confirmation', 'summary', 'summarize', 'recap', 'case number', 'reference', 'follow up'],
              next: 'resolved',
            },
          ],
          fallback: [
            'Will someone actually follow up with me this time?',
            'How will I know the new one has shipped?',
          ],
        },
        {
          id: 'angrier',
          say: ["Don't tell me that. I've been patient for a week and called three times. Are you going to help me or not?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'manager' },
            {
              intent: 'escalates_again',
              keywords: BRUSH_OFF,
              next: 'manager',
            },
            {
              intent: 'recovers',
              keywords: ['sorry', 'apologize', 'apologise', 'apologies', "you're right", 'you are right', 'frustrating', 'understand', 'help you', 'let me', 'i will', "i'll", 'fix this'],
              next: 'calmer',
            },
          ],
          fallback: [
            "I'm waiting. What are you going to do?",
            'Maybe I should just ask for a manager.',
          ],
        },
        {
          id: 'resolved',
          say: ["Okay, thank you. That's the first time anyone has actually given me a plan. I'll watch for the email."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'manager',
          say: ["I'm done. I want to speak to your manager, and I'm writing a review about this."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'support-double-charge',
    title: 'Billing: charged twice',
    summary:
      'A polite subscriber was charged twice this month. Verify the account safely, fix the duplicate charge and tell him exactly when the money will be back.',
    category: 'customer_support',
    difficulty: 'beginner',
    language: 'en-US',
    tags: ['billing', 'refund', 'verification', 'subscription', 'first contact resolution'],
    persona: {
      name: 'Tom Nguyen',
      role: 'StreamBox subscriber',
      background:
        'Tom has a 14.99 dollar monthly StreamBox subscription. His bank app shows two charges on the 3rd of this month. The account email is tom.nguyen at mail dot com. He is polite, a little worried, and careful about security: if asked for his full card number, security code or password he becomes suspicious and decides to dispute the charge with his bank instead.',
      voice: 'kal16',
    },
    traineeRole:
      'You are a billing support agent at StreamBox. To verify an account, ask for the account email and, if needed, the last four digits of the card; never ask for a full card number, security code or password. You can refund a duplicate charge immediately; it takes 3 to 5 business days to reach the bank.',
    objectives: [
      {
        id: 'verify-safely',
        description: 'Verify the account without asking for sensitive data.',
        successCriteria: ['Asks for the account email or name and does not ask for a full card number, security code or password'],
      },
      {
        id: 'refund-duplicate',
        description: 'Confirm the duplicate charge and refund it.',
        successCriteria: ['Confirms seeing two charges and states that the extra charge will be refunded'],
      },
      {
        id: 'set-expectations',
        description: 'Tell the customer when to expect the money back.',
        successCriteria: ['Gives the 3 to 5 business day time frame'],
      },
    ],
    endCriteria: {
      maxDurationSec: 420,
      idleTimeoutSec: 60,
      maxTurns: 10,
      objectiveMet: 'Tom knows the duplicate charge is being refunded and when it will reach his account.',
      objectiveFailed: 'Tom hangs up to dispute the charge with his bank because the trainee asked for sensitive data or was rude.',
    },
    skills: ['problem-solving', 'clarity-structure', 'professional-tone', 'active-listening'],
    openingInstruction:
      'Open as Tom, politely: explain that your bank app shows StreamBox charged you 14.99 twice this month and ask whether they can help.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ['Hi, I just checked my bank app and it looks like StreamBox charged me twice this month, fourteen ninety-nine two times. Can you help me with that?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'disputed' },
            {
              intent: 'asks_sensitive_data',
              keywords: ['full card number', 'whole card number', 'entire card number', 'long number', 'password', 'cvv', 'security code', 'pin number', 'social security'],
              next: 'suspicious',
            },
            {
              intent: 'verifies',
              keywords: ['email', 'e-mail', 'name', 'account', 'verify', 'last four', 'phone number', 'username', 'user name', 'confirm your'],
              next: 'verified',
            },
            {
              intent: 'reassures',
              keywords: ['sorry', 'apologize', 'apologise', 'help', 'happy to', 'of course', 'definitely', 'sure', 'no problem', 'absolutely'],
              next: 'reassured',
            },
          ],
          fallback: [
            'Do you need any details from me to look it up?',
            'Sorry, is this the right place for billing questions?',
          ],
        },
        {
          id: 'reassured',
          say: ['Thanks, I appreciate it. What do you need from me?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'disputed' },
            {
              intent: 'asks_sensitive_data',
              keywords: ['full card number', 'whole card number', 'entire card number', 'long number', 'password', 'cvv', 'security code', 'pin number', 'social security'],
              next: 'suspicious',
            },
            {
              intent: 'verifies',
              keywords: ['email', 'e-mail', 'name', 'account', 'verify', 'last four', 'phone number', 'username', 'user name', 'confirm'],
              next: 'verified',
            },
          ],
          fallback: [
            'Should I give you my email address or something?',
            'Just tell me what you need to find my account.',
          ],
        },
        {
          id: 'verified',
          say: ["Sure, the email on the account is tom dot nguyen at mail dot com. Can you see the two charges?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'disputed' },
            {
              intent: 'asks_sensitive_data',
              keywords: ['full card number', 'whole card number', 'entire card number', 'long number', 'password', 'cvv', 'security code', 'pin number', 'social security'],
              next: 'suspicious',
            },
            {
              intent: 'refunds',
              keywords: ['refund', 'refunded', 'reverse', 'reversed', 'credit back', 'money back', 'give it back', 'cancel the', 'remove'],
              next: 'refunded',
            },
            {
              intent: 'confirms_duplicate',
              keywords: ['yes', 'i see', 'i can see', 'see', 'duplicate', 'twice', 'two charges', 'error', 'mistake', 'glitch', 'found'],
              next: 'duplicate_confirmed',
            },
          ],
          fallback: [
            'Do you see them on your side? Both on the third of the month.',
            'Is there anything else you need to find the charges?',
          ],
        },
        {
          id: 'duplicate_confirmed',
          say: ["Okay, good, so it wasn't just me. Can you get the extra charge back?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'disputed' },
            {
              intent: 'refunds',
              keywords: ['refund', 'refunded', 'reverse', 'reversed', 'credit back', 'money back', 'give it back', 'yes', 'of course', 'absolutely', 'definitely', 'already', 'done', 'sure'],
              next: 'refunded',
            },
          ],
          fallback: [
            'So will I get the fourteen ninety-nine back?',
            'What happens with the second charge?',
          ],
        },
        {
          id: 'refunded',
          say: ['Great, thank you. How long will it take to show up back in my account?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'disputed' },
            {
              intent: 'gives_timeline',
              keywords: ['days', 'business days', 'day', 'week', 'three', 'five', 'hours', 'tomorrow', 'statement', 'soon', '3', '5'],
              next: 'resolved',
            },
          ],
          fallback: [
            "Roughly how many days should I wait before I worry?",
            'Will it be on my next statement, or sooner?',
          ],
        },
        {
          id: 'suspicious',
          say: ["Hmm, I don't think I should give that out over the phone. I'll just dispute the charge with my bank instead."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
        {
          id: 'disputed',
          say: ["Wow, okay. I'll dispute it with my bank and cancel my subscription."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
        {
          id: 'resolved',
          say: ["Okay, that works for me. Thanks for sorting that out so quickly, you've been really helpful."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
      ],
    },
  },
  {
    id: 'support-wifi-troubleshooting',
    title: 'Tech support: the internet is down',
    summary:
      'A non-technical customer cannot get online and needs to video call her grandson. Diagnose the problem in plain language, walk her through the fix one step at a time, and make sure she knows what to do next time.',
    category: 'customer_support',
    difficulty: 'beginner',
    language: 'en-US',
    tags: ['tech support', 'troubleshooting', 'plain language', 'patience', 'home internet'],
    persona: {
      name: 'Margaret Hill',
      role: 'HomeNet internet customer, retired teacher',
      background:
        'Margaret is 68 and not confident with technology. Since this morning neither her laptop nor her phone can get online. The router has an orange blinking light instead of the usual green, because it lost its connection overnight after a short power cut; unplugging it for 30 seconds fixes it. She is friendly and patient but gets lost with jargon like IP address, DNS or SSID, and needs to be told exactly what to look at and press.',
      voice: 'slt',
    },
    traineeRole:
      'You are a technical support agent at HomeNet, an internet provider. Your system shows no outage in Margaret\'s area. Diagnose her problem, guide her through the fix in plain language, and confirm it works.',
    objectives: [
      {
        id: 'diagnose',
        description: 'Diagnose the problem with simple questions.',
        successCriteria: ['Asks which devices are affected and what the lights on the router look like, without jargon'],
      },
      {
        id: 'guide-fix',
        description: 'Guide the fix one step at a time.',
        successCriteria: [
          'Asks her to unplug or restart the router and wait before checking again',
          'Checks what she sees after the step before moving on',
        ],
      },
      {
        id: 'verify-and-prevent',
        description: 'Confirm the fix and explain what to do next time.',
        successCriteria: ['Confirms the connection works and tells her what to try if it happens again'],
      },
    ],
    endCriteria: {
      maxDurationSec: 600,
      idleTimeoutSec: 90,
      maxTurns: 14,
      objectiveMet: 'Margaret is back online and knows what to do if the light turns orange again.',
      objectiveFailed: 'Margaret gives up and ends the call because the trainee is impatient or rude.',
    },
    skills: ['problem-solving', 'clarity-structure', 'empathy', 'active-listening'],
    openingInstruction:
      'Open as Margaret, a little flustered: say your internet is not working, you were trying to video call your grandson, and you are not very good with these things.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hello, yes, my internet isn't working. I was trying to video call my grandson this morning and it just says no connection. I'm not very good with these things."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'gave_up' },
            {
              intent: 'uses_jargon',
              keywords: ['ip address', 'dns', 'ssid', 'ping', 'ipconfig', 'command prompt', 'firmware', 'mac address', 'network adapter', 'dhcp', 'ethernet'],
              next: 'confused',
            },
            {
              intent: 'diagnoses',
              keywords: ['device', 'devices', 'phone', 'laptop', 'computer', 'tablet', 'other', 'lights', 'light', 'router', 'box', 'modem', 'changed', 'error', 'message', 'what happened', 'what does it say', 'what do you see'],
              next: 'diagnose',
            },
            {
              intent: 'reassures',
              keywords: ['no problem', "don't worry", 'do not worry', "that's okay", 'happy to help', "we'll fix", 'we will fix', 'together', 'step by step', 'sorry', 'help you'],
              next: 'reassured',
            },
          ],
          fallback: [
            "I'm sorry, I don't really know where to start. What should I tell you?",
            'Is it something I did? What would you like me to look at?',
          ],
        },
        {
          id: 'reassured',
          say: ['Oh, thank you, that makes me feel better. Where should we start?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'gave_up' },
            {
              intent: 'uses_jargon',
              keywords: ['ip address', 'dns', 'ssid', 'ping', 'ipconfig', 'command prompt', 'firmware', 'mac address', 'network adapter', 'dhcp', 'ethernet'],
              next: 'confused',
            },
            {
              intent: 'diagnoses',
              keywords: ['device', 'devices', 'phone', 'laptop', 'computer', 'tablet', 'other', 'lights', 'light', 'router', 'box', 'modem', 'changed', 'error', 'message', 'what happened', 'what does it say', 'what do you see'],
              next: 'diagnose',
            },
          ],
          fallback: [
            'Should I look at the computer or at the internet box?',
            'Just tell me what to look at, dear.',
          ],
        },
        {
          id: 'diagnose',
          say: ["It's my laptop, but my phone won't connect either. The box from the internet company has a little orange light blinking, and usually it's green."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'gave_up' },
            {
              intent: 'uses_jargon',
              keywords: ['ip address', 'dns', 'ssid', 'ping', 'ipconfig', 'command prompt', 'firmware', 'mac address', 'network adapter', 'dhcp', 'ethernet'],
              next: 'confused',
            },
            {
              intent: 'restart_router',
              keywords: ['restart', 'unplug', 'reboot', 'turn off', 'turn it off', 'power', 'switch off', 'switch it off', 'plug', 'plug it', 'thirty seconds', '30 seconds', 'off and on', 'cable', 'reset'],
              next: 'restarting',
            },
          ],
          fallback: [
            'Is the orange light bad? What should I do with the box?',
            'Do you want me to do something with the box, or with the laptop?',
          ],
        },
        {
          id: 'confused',
          say: ["I'm sorry, I don't know what that means. Could you explain it more simply, please?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'gave_up' },
            {
              intent: 'restart_router',
              keywords: ['restart', 'unplug', 'reboot', 'turn off', 'turn it off', 'power', 'switch off', 'plug', 'thirty seconds', '30 seconds', 'off and on'],
              next: 'restarting',
            },
            {
              intent: 'simplifies',
              keywords: ['sorry', 'simpler', 'simply', 'let me explain', 'in other words', 'box', 'light', 'lights', 'router', 'phone', 'laptop', 'no problem', "don't worry"],
              next: 'diagnose',
            },
          ],
          fallback: [
            "I'm afraid I'm lost. What do you want me to look at?",
            'Could you say that in everyday words?',
          ],
        },
        {
          id: 'restarting',
          say: ["All right, I've unplugged it, and now I've plugged it back in. The lights are all flashing. What do I do now?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'gave_up' },
            {
              intent: 'wait_and_check',
              keywords: ['wait', 'minute', 'minutes', 'couple', 'moment', 'green', 'few', 'patient', 'check', 'look', 'try', 'tell me', 'color', 'colour'],
              next: 'working',
            },
          ],
          fallback: [
            'Should I do something else, or just wait?',
            'They are still blinking. Is that normal?',
          ],
        },
        {
          id: 'working',
          say: ["Oh, it's green now! And the laptop says connected, the video call works. What should I do if this happens again?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'gave_up' },
            {
              intent: 'explains_prevention',
              keywords: ['unplug', 'restart', 'same', 'again', 'call', 'call us', 'thirty seconds', '30 seconds', 'off', 'orange', 'write', 'note', 'remember', 'power'],
              next: 'fixed',
            },
          ],
          fallback: [
            "I'd like to write it down. What were the steps again?",
            'So next time, what do I do first?',
          ],
        },
        {
          id: 'fixed',
          say: ["Unplug it, wait, plug it back in. I've written it down. Thank you so much for being so patient with me."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'gave_up',
          say: ["Well, there's no need to be like that. I'll ask my grandson to help me when he visits. Goodbye."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'support-cancellation-retention',
    title: 'A customer who wants to cancel',
    summary:
      'A three-year customer calls to cancel after a price rise. Find out why, offer something that actually fits his needs, and respect his decision without being pushy.',
    category: 'customer_support',
    difficulty: 'advanced',
    language: 'en-US',
    tags: ['retention', 'cancellation', 'subscription', 'needs analysis', 'small business'],
    persona: {
      name: 'Daniel Park',
      role: 'Owner of a small bakery, LedgerLite customer for three years',
      background:
        'Daniel uses LedgerLite accounting software for his bakery. The price rose from 30 to 45 dollars a month, and he only uses it to send invoices. He has decided to cancel and wants the call to be quick. He reacts badly to pressure ("are you sure", "you will lose everything") and to generic discounts that expire, but he would happily stay on a cheaper plan that fits, as long as he keeps his customer list and old invoices.',
      voice: 'awb',
    },
    traineeRole:
      'You are a retention specialist at LedgerLite. You can offer the Starter plan (invoicing only, 20 dollars a month, all data kept) or 50 percent off for three months. If the customer still wants to leave, you must cancel politely.',
    objectives: [
      {
        id: 'understand-reason',
        description: 'Find out why the customer wants to leave before offering anything.',
        successCriteria: ['Asks why he is cancelling and learns about the price rise and that he only uses invoicing'],
      },
      {
        id: 'fitting-offer',
        description: 'Offer an option that fits the need rather than a generic discount.',
        successCriteria: ['Offers the Starter plan or another option tied to invoicing', 'Confirms that his data is kept'],
      },
      {
        id: 'respect-decision',
        description: 'Stay respectful and not pushy.',
        successCriteria: ['Does not pressure, guilt or argue; accepts a clear no'],
      },
    ],
    endCriteria: {
      maxDurationSec: 600,
      idleTimeoutSec: 90,
      maxTurns: 12,
      objectiveMet: 'Daniel agrees to move to the Starter plan instead of cancelling.',
      objectiveFailed: 'Daniel insists on cancelling because the trainee was pushy or rude, or the trainee cancels without exploring why he is leaving.',
    },
    skills: ['discovery-questioning', 'objection-handling', 'active-listening', 'professional-tone'],
    openingInstruction:
      'Open as Daniel, polite but firm: say you want to cancel your LedgerLite subscription, you have made up your mind, and you would like to keep this quick.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi, I'd like to cancel my LedgerLite subscription, please. I've made up my mind, so I'd appreciate it if we could keep this quick."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'pushy',
              keywords: ["you can't", 'you cannot', "can't cancel", 'cannot cancel', "you'll lose", 'you will lose', 'reconsider', 'are you sure', 'big mistake', "shouldn't", 'should not'],
              next: 'pushy',
            },
            {
              intent: 'asks_why',
              keywords: ['why', 'reason', 'may i ask', 'can i ask', 'what made', 'what changed', "what's changed", 'feedback', 'happened', 'not working', 'understand', 'what led', 'how come'],
              next: 'reason',
            },
            {
              intent: 'offers_too_early',
              keywords: ['discount', 'offer', 'deal', 'cheaper', 'plan', 'half price', 'free month', 'percent off', 'promotion'],
              next: 'early_offer',
            },
            {
              intent: 'starts_cancelling',
              keywords: ['cancel it', 'cancel that', 'cancel your', 'cancelled', 'canceled', "i'll cancel", 'i will cancel', 'process', 'no problem', 'sure', 'of course'],
              next: 'about_to_cancel',
            },
          ],
          fallback: [
            'So can you cancel it for me?',
            'Is there a reason this is taking long? I just want to cancel.',
          ],
        },
        {
          id: 'about_to_cancel',
          say: ['Great, thanks. Do you need anything else from me to close the account?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'pushy',
              keywords: ["you'll lose", 'you will lose', 'reconsider', 'are you sure', 'big mistake'],
              next: 'pushy',
            },
            {
              intent: 'asks_why',
              keywords: ['why', 'reason', 'may i ask', 'can i ask', 'what made', 'what changed', "what's changed", 'feedback', 'happened', 'not working', 'what led', 'how come', 'before i', 'before we'],
              next: 'reason',
            },
            {
              intent: 'offers_too_early',
              keywords: ['discount', 'offer', 'deal', 'cheaper', 'plan', 'half price', 'free month', 'percent off', 'promotion'],
              next: 'early_offer',
            },
            {
              intent: 'cancels',
              keywords: ['done', 'cancelled', 'canceled', 'all set', 'confirmed', 'confirmation', 'no', 'nothing', 'that is all', "that's all", 'processed', 'closed'],
              next: 'cancelled_no_try',
            },
          ],
          fallback: [
            'So is it cancelled now?',
            "Okay. I'll wait for the confirmation, then.",
          ],
        },
        {
          id: 'early_offer',
          say: ["I haven't even told you why I'm leaving. How do you know a discount fixes anything?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'pushy',
              keywords: ["you can't", 'you cannot', "can't cancel", 'cannot cancel', "you'll lose", 'you will lose', 'reconsider', 'are you sure', 'big mistake'],
              next: 'pushy',
            },
            {
              intent: 'asks_why',
              keywords: ['why', 'reason', 'sorry', 'fair', "you're right", 'you are right', 'tell me', 'understand', 'what made', 'what changed', 'good point'],
              next: 'reason',
            },
          ],
          fallback: [
            'Do you want to know why, or should I just cancel online?',
            "Ask me what the problem is, and maybe we'll get somewhere.",
          ],
        },
        {
          id: 'reason',
          say: ["Honestly, the price went from thirty to forty-five dollars a month, and I only use it to send invoices for my bakery. I'm paying for a lot of stuff I never touch."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'pushy',
              keywords: ["you can't", 'you cannot', "can't cancel", 'cannot cancel', "you'll lose", 'you will lose', 'reconsider', 'are you sure', 'big mistake'],
              next: 'pushy',
            },
            {
              intent: 'offers_fit',
              keywords: ['starter', 'invoicing', 'invoice', 'invoices only', 'basic', 'smaller plan', 'cheaper plan', 'twenty', '20', 'downgrade', 'switch', 'lighter', 'only what you use'],
              next: 'fit_offer',
            },
            {
              intent: 'offers_generic_discount',
              keywords: ['discount', 'half', 'percent', 'three months', 'free month', 'promotion', 'deal'],
              next: 'discount_offer',
            },
          ],
          fallback: [
            'So unless there is something that fits how I actually use it, I think I should go.',
            'Is there anything for someone who only sends invoices?',
          ],
        },
        {
          id: 'discount_offer',
          say: ["A discount for three months just means I'm back to forty-five after that. That doesn't really solve anything for me."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'pushy',
              keywords: ["you can't", 'you cannot', "you'll lose", 'you will lose', 'reconsider', 'are you sure', 'big mistake', 'best deal', 'only today'],
              next: 'pushy',
            },
            {
              intent: 'offers_fit',
              keywords: ['starter', 'invoicing', 'invoice', 'basic', 'smaller plan', 'cheaper plan', 'twenty', '20', 'downgrade', 'switch', 'lighter', 'another plan', 'different plan'],
              next: 'fit_offer',
            },
          ],
          fallback: [
            "I'd need something that stays affordable, not a temporary deal.",
            'Is that really all you have?',
          ],
        },
        {
          id: 'fit_offer',
          say: ["Twenty a month for just invoicing? I didn't know that existed. Would I keep my customer list and all my old invoices?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'confirms_data_kept',
              keywords: ['yes', 'keep', 'kept', 'everything', 'all your', 'stays', 'stay', 'same', 'saved', 'data', 'of course', 'definitely', 'absolutely', 'nothing changes', "won't lose", 'will not lose'],
              next: 'switch_now',
            },
          ],
          fallback: [
            "That's the important part for me. What happens to my data?",
            "I don't want to re-enter eighty customers. Do I keep everything?",
          ],
        },
        {
          id: 'switch_now',
          say: ['Okay, that actually works. Can you switch me today, so the next bill is the lower price?'],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'confirms_switch',
              keywords: ['yes', 'today', 'right now', 'now', 'done', 'switched', 'confirm', 'email', 'next bill', 'of course', 'sure', 'absolutely', 'definitely'],
              next: 'retained',
            },
          ],
          fallback: [
            "So, can we do the switch now?",
            'Will I get something in writing about the new price?',
          ],
        },
        {
          id: 'pushy',
          say: ["Look, I've already decided. I'm not interested in a sales pitch."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'cancelled_angry' },
            {
              intent: 'pushy_again',
              keywords: ["you can't", 'you cannot', "can't cancel", 'cannot cancel', "you'll lose", 'you will lose', 'reconsider', 'are you sure', 'big mistake'],
              next: 'cancelled_angry',
            },
            {
              intent: 'backs_off_and_asks',
              keywords: ['sorry', 'of course', 'understand', 'respect', 'fair', 'why', 'reason', 'may i ask', 'can i ask', 'what made', 'what changed'],
              next: 'reason',
            },
          ],
          fallback: [
            'Can you just process the cancellation, please?',
            "I'd rather not go around in circles.",
          ],
        },
        {
          id: 'retained',
          say: ["Great, switch me to the Starter plan then. Thanks for actually listening instead of just trying to keep me."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'cancelled_angry',
          say: ["This is exactly why I'm leaving. Please just cancel my account."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
        {
          id: 'cancelled_no_try',
          say: ['Okay, thanks. That was easier than I expected. Bye.'],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  // ─────────────────────────────────────────────────────────────── management
  {
    id: 'mgmt-underperformance-feedback',
    title: 'Feedback on missed deadlines',
    summary:
      'A previously reliable engineer has missed two sprint deadlines and skipped code reviews. Give specific, fair feedback, find out what is going on, and agree a realistic plan together.',
    category: 'management',
    difficulty: 'advanced',
    language: 'en-US',
    tags: ['feedback', 'one-on-one', 'performance', 'difficult conversation', 'coaching'],
    persona: {
      name: 'Chris Morgan',
      role: 'Software engineer, four years on the team',
      background:
        'Chris has been a strong performer for four years, but missed the last two sprint deadlines and skipped several code reviews. At first Chris blames changing requirements, which is partly true. The real reason, shared only if the manager is curious and supportive, is that Chris\'s father had a stroke two months ago and Chris drives to the hospital most evenings. Chris becomes defensive with vague, personal or harsh criticism ("you always", "lazy", "not good enough") and opens up to specific examples and genuine questions.',
      voice: 'rms',
    },
    traineeRole:
      'You are Chris\'s engineering manager. In this one-on-one you need to address the two missed sprint deadlines and the skipped code reviews, understand what is behind them, and agree a way forward. You can adjust priorities and offer flexible hours or leave.',
    objectives: [
      {
        id: 'specific-feedback',
        description: 'Give specific, behaviour-based feedback.',
        successCriteria: [
          'Names the two missed deadlines or skipped code reviews as concrete examples',
          'Explains the impact on the team without personal labels',
        ],
      },
      {
        id: 'understand-cause',
        description: 'Find out what is behind the change in performance.',
        successCriteria: ['Asks open questions and listens until Chris shares the situation with his father'],
      },
      {
        id: 'agree-plan',
        description: 'Agree a realistic plan together.',
        successCriteria: ['Agrees on priorities or support (flexible hours, reduced scope, leave)', 'Sets a follow-up check-in'],
      },
    ],
    endCriteria: {
      maxDurationSec: 900,
      idleTimeoutSec: 120,
      maxTurns: 18,
      objectiveMet: 'Chris agrees to a concrete plan with support and a follow-up, after sharing what is going on.',
      objectiveFailed: 'Chris shuts down or talks about quitting because the trainee was harsh, personal or dismissive of the family situation.',
    },
    skills: ['giving-feedback', 'empathy', 'active-listening', 'professional-tone'],
    openingInstruction:
      'Open as Chris, slightly distracted and guarded: ask if the manager wanted to see you and mention you only have a few minutes because you are finishing the payments ticket.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hey, you wanted to see me? I've only got a few minutes, I'm trying to finish the payments ticket."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'harsh',
              keywords: ['lazy', 'useless', 'not good enough', 'you always', 'you never', 'disappointed in you', 'fire you', 'fired', 'attitude', 'careless', 'sloppy'],
              next: 'defensive',
            },
            {
              intent: 'specific_feedback',
              keywords: ['deadline', 'deadlines', 'sprint', 'sprints', 'code review', 'code reviews', 'reviews', 'missed', 'late', 'slipped', 'noticed', 'example', 'last two'],
              next: 'feedback_given',
            },
            {
              intent: 'checks_in',
              keywords: ['how are you', "how's it going", 'how is it going', 'how are things', 'doing', 'everything okay', 'check in', 'sit down', 'have a seat', 'thanks for coming'],
              next: 'checkin',
            },
          ],
          fallback: [
            'So, what did you want to talk about?',
            'Is this about something specific?',
          ],
        },
        {
          id: 'checkin',
          say: ["I'm fine, just busy. Was there something specific you wanted to talk about?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'harsh',
              keywords: ['lazy', 'useless', 'not good enough', 'you always', 'you never', 'disappointed in you', 'fire you', 'fired', 'attitude', 'careless', 'sloppy'],
              next: 'defensive',
            },
            {
              intent: 'specific_feedback',
              keywords: ['deadline', 'deadlines', 'sprint', 'sprints', 'code review', 'code reviews', 'reviews', 'missed', 'late', 'slipped', 'noticed', 'example', 'last two', 'work'],
              next: 'feedback_given',
            },
          ],
          fallback: [
            'Okay... so what is this about?',
            "If it's about work, just tell me straight.",
          ],
        },
        {
          id: 'feedback_given',
          say: ["Okay, yes, I know the last two deadlines slipped. But the requirements kept changing, it wasn't all on me."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'harsh_or_argues',
              keywords: ['lazy', 'useless', 'not good enough', 'you always', 'you never', 'excuses', 'excuse', 'no excuses', 'stop making', 'your fault', 'your responsibility', 'fired', 'attitude'],
              next: 'defensive',
            },
            {
              intent: 'curious',
              keywords: ["what's going on", 'what is going on', 'anything else', 'help me understand', 'tell me more', 'how are things', 'outside work', 'outside of work', 'support', 'is everything', 'going on', 'are you okay', 'is something'],
              next: 'reveal',
            },
            {
              intent: 'acknowledges',
              keywords: ['fair', "that's fair", "you're right", 'you are right', 'requirements', 'changing', 'understand', 'makes sense', 'hear you', 'good point', 'true'],
              next: 'partial',
            },
          ],
          fallback: [
            'I mean, I know it looks bad. What do you want me to say?',
            "It's been a rough couple of months, that's all.",
          ],
        },
        {
          id: 'partial',
          say: ["Thanks. I guess the requirements aren't the whole story, though. Things have been hard lately."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'harsh',
              keywords: ['lazy', 'useless', 'not good enough', 'you always', 'you never', 'excuses', 'no excuses', 'fired'],
              next: 'defensive',
            },
            {
              intent: 'invites',
              keywords: ['what', 'tell me', 'going on', 'want to talk', 'share', 'hard', 'okay', 'listening', 'support', 'how so', 'in what way', 'here for you'],
              next: 'reveal',
            },
          ],
          fallback: [
            "I don't really know how to say this at work.",
            "It's personal stuff. I'm not sure it matters here.",
          ],
        },
        {
          id: 'reveal',
          say: ["My dad had a stroke two months ago, and I've been driving to the hospital most evenings. I didn't want to make it a big deal at work."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'dismisses',
              keywords: ['personal life', 'at home', 'no excuse', 'not an excuse', 'still have to', 'still need to deliver', 'regardless'],
              next: 'checked_out',
            },
            {
              intent: 'supports_and_plans',
              keywords: ['sorry', 'flexible', 'flexibility', 'time off', 'leave', 'adjust', 'reduce', 'workload', 'help', 'support', 'plan', 'together', 'priorities', 'priority', 'hours'],
              next: 'plan',
            },
          ],
          fallback: [
            "Sorry, I probably should have said something sooner.",
            "I just don't know how to keep up with everything right now.",
          ],
        },
        {
          id: 'plan',
          say: ["That would really help. So what should I focus on, and how will we know it's working?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'concrete_plan',
              keywords: ['priority', 'priorities', 'focus', 'week', 'weekly', 'check in', 'checkin', 'friday', 'monday', 'next week', 'follow up', 'two weeks', 'goal', 'goals', 'deadline', 'payments', 'code reviews', 'every'],
              next: 'agreed',
            },
          ],
          fallback: [
            'Should I drop something, or just push harder on the payments work?',
            'Can we agree how we check in on this?',
          ],
        },
        {
          id: 'defensive',
          say: ["Wow. So that's what you think of me? I've been here four years and this is how you talk to me?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'harsh_again',
              keywords: ['lazy', 'useless', 'not good enough', 'you always', 'you never', 'fire you', 'fired', 'attitude', 'excuses'],
              next: 'checked_out',
            },
            {
              intent: 'repairs',
              keywords: ['sorry', 'apologize', 'apologise', 'wrong', "didn't mean", 'did not mean', 'let me rephrase', 'unfair', 'not what i meant', 'value', 'valued', 'respect', 'you are right', "you're right"],
              next: 'recovered',
            },
          ],
          fallback: [
            "I don't even know what to say to that.",
            'Do you want to try that again?',
          ],
        },
        {
          id: 'recovered',
          say: ["Okay. I'm listening. What's this actually about?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'checked_out' },
            {
              intent: 'harsh_again',
              keywords: ['lazy', 'useless', 'not good enough', 'you always', 'you never', 'fire you', 'fired'],
              next: 'checked_out',
            },
            {
              intent: 'specific_feedback',
              keywords: ['deadline', 'deadlines', 'sprint', 'sprints', 'code review', 'code reviews', 'reviews', 'missed', 'late', 'slipped', 'noticed', 'example', 'last two'],
              next: 'feedback_given',
            },
          ],
          fallback: [
            'Can you give me an actual example?',
            'What specifically is the problem?',
          ],
        },
        {
          id: 'agreed',
          say: ["Okay, that's a plan I can stick to. And thanks for asking what was going on instead of just writing me up."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'checked_out',
          say: ['Right. I think I should probably start looking for another job, then.'],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'mgmt-burnout-checkin',
    title: 'One-on-one with a burnt-out star',
    summary:
      'Your best designer has been working late every night and snapped at a colleague this week. Use your monthly one-on-one to notice what is going on, listen, and agree real changes to her workload.',
    category: 'management',
    difficulty: 'intermediate',
    language: 'en-US',
    tags: ['one-on-one', 'wellbeing', 'burnout', 'prioritisation', 'coaching'],
    persona: {
      name: 'Aisha Rahman',
      role: 'Senior product designer',
      background:
        'Aisha is the team\'s strongest designer. For a month she has worked until midnight most nights, juggling the product launch, the rebrand, and design reviews for the mobile team that quietly landed on her. On Tuesday she was short with a colleague, Ben, in a meeting and has already apologised to him. She says "I\'m fine" at first. She opens up if asked about workload and wellbeing with genuine curiosity, and gets defensive if the conversation starts with the incident. She worries that saying no makes her look less committed.',
      voice: 'slt',
    },
    traineeRole:
      'You are Aisha\'s manager in your monthly one-on-one. You have noticed her late-night messages and heard about Tuesday\'s meeting. You can move the mobile design reviews to someone else, push the rebrand back two weeks, or approve time off.',
    objectives: [
      {
        id: 'notice-and-explore',
        description: 'Open the conversation about workload and wellbeing.',
        successCriteria: ['Asks open questions about how she is doing or her workload before raising the incident'],
      },
      {
        id: 'listen-and-validate',
        description: 'Listen and validate what she shares.',
        successCriteria: ['Reflects back what she said about the workload and acknowledges how she feels'],
      },
      {
        id: 'agree-relief',
        description: 'Agree concrete changes and a follow-up.',
        successCriteria: ['Takes something off her plate or reprioritises', 'Agrees how and when to check in again'],
      },
    ],
    endCriteria: {
      maxDurationSec: 720,
      idleTimeoutSec: 120,
      maxTurns: 14,
      objectiveMet: 'Aisha feels heard and agrees to concrete workload changes with a follow-up.',
      objectiveFailed: 'Aisha shuts down because the trainee dismisses the workload, tells her to toughen up, or is rude.',
    },
    skills: ['empathy', 'active-listening', 'discovery-questioning', 'giving-feedback'],
    openingInstruction:
      'Open as Aisha, upbeat but rushed: apologise for being a couple of minutes late because the launch review ran over again, and ask what the manager wants to cover today.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi! Sorry I'm a couple of minutes late, the launch review ran over again. What did you want to cover today?"],
          routes: [
            {
              intent: 'rude',
              keywords: [...RUDE, 'toughen up', "everyone's busy", 'everyone is busy', 'stop complaining', 'suck it up'],
              next: 'shut_down',
            },
            {
              intent: 'leads_with_incident',
              keywords: ['meeting', 'snapped', 'rude', 'outburst', 'complaint', 'complained', 'attitude', 'behaviour', 'behavior', 'ben', 'tuesday'],
              next: 'defensive',
            },
            {
              intent: 'asks_wellbeing',
              keywords: ['how are you', 'how are you doing', 'how are things', 'how have you been', 'feeling', 'workload', 'busy', 'late nights', 'tired', 'energy', 'wellbeing', 'stress', 'stressed', 'doing okay', "how's it going", 'how is it going', 'you first'],
              next: 'surface',
            },
          ],
          fallback: [
            "I'm happy to go through the launch status if that helps?",
            'Is there anything specific on your mind?',
          ],
        },
        {
          id: 'surface',
          say: ["Oh, I'm fine, just busy. You know how it is before a launch."],
          routes: [
            {
              intent: 'rude',
              keywords: [...RUDE, 'toughen up', "everyone's busy", 'everyone is busy', 'stop complaining', 'suck it up'],
              next: 'shut_down',
            },
            {
              intent: 'probes_gently',
              keywords: ['really', 'honestly', 'noticed', 'late', 'nights', 'emails', 'messages', 'midnight', 'seem', 'seemed', 'tired', 'worried', 'concerned', 'care', 'safe', 'be honest', 'tell me', 'how busy', 'sustainable'],
              next: 'opens_up',
            },
            {
              intent: 'leads_with_incident',
              keywords: ['meeting', 'snapped', 'rude', 'outburst', 'complaint', 'complained', 'attitude', 'behaviour', 'behavior', 'ben'],
              next: 'defensive',
            },
          ],
          fallback: [
            "Really, it's just launch season.",
            'Was there something else you wanted to ask?',
          ],
        },
        {
          id: 'opens_up',
          say: ["Honestly? I'm exhausted. I've been working until midnight most nights for a month, I feel like I can't say no to anyone, and I know I was short with Ben on Tuesday."],
          routes: [
            {
              intent: 'rude',
              keywords: [...RUDE, 'toughen up', "everyone's busy", 'everyone is busy', 'stop complaining', 'suck it up'],
              next: 'shut_down',
            },
            {
              intent: 'validates_and_explores',
              keywords: ['understand', 'makes sense', 'sounds', 'hard', 'thank you for', 'appreciate', 'sorry', 'what is taking', "what's taking", 'which projects', 'biggest', 'most', 'priorities', 'what are you working on', 'on your plate', 'a month', 'midnight'],
              next: 'priorities',
            },
          ],
          fallback: [
            "I didn't want to complain. Everyone is busy.",
            "I'm not sure what to do about it, to be honest.",
          ],
        },
        {
          id: 'priorities',
          say: ['The launch, the rebrand, and somehow I ended up doing all the design reviews for the mobile team too. Something has to give.'],
          routes: [
            {
              intent: 'rude',
              keywords: [...RUDE, 'toughen up', "everyone's busy", 'everyone is busy', 'stop complaining', 'suck it up'],
              next: 'shut_down',
            },
            {
              intent: 'offers_relief',
              keywords: ['take off', 'remove', 'pause', 'delegate', 'hand over', 'hand off', 'move', 'reassign', 'push back', 'postpone', 'delay', 'deprioritize', 'deprioritise', 'priority', 'time off', 'day off', 'help', 'hire', 'contractor', 'someone else', 'two weeks'],
              next: 'relief',
            },
          ],
          fallback: [
            'What do you think I should drop?',
            'I really want the launch to go well. Can anything else wait?',
          ],
        },
        {
          id: 'relief',
          say: ['That would take a huge weight off. Can we make that stick, though? Last time things crept back onto my plate.'],
          routes: [
            {
              intent: 'rude',
              keywords: [...RUDE, 'toughen up', 'stop complaining', 'suck it up'],
              next: 'shut_down',
            },
            {
              intent: 'agrees_follow_up',
              keywords: ['check in', 'follow up', 'next week', 'weekly', 'every week', 'friday', 'monday', 'revisit', 'review', 'two weeks', 'tell me', 'say no', 'protect', 'boundary', 'boundaries', 'come to me', 'talk again'],
              next: 'supported',
            },
          ],
          fallback: [
            'How do we make sure this time is different?',
            'What should I do if someone asks me for more?',
          ],
        },
        {
          id: 'defensive',
          say: ["Wait, is this about Tuesday? I already apologised to Ben. I don't think you realise how much is on my plate right now."],
          routes: [
            {
              intent: 'rude',
              keywords: [...RUDE, 'toughen up', "everyone's busy", 'everyone is busy', 'stop complaining', 'suck it up', 'no excuse'],
              next: 'shut_down',
            },
            {
              intent: 'explores',
              keywords: ['plate', 'tell me', "what's on", 'what is on', 'walk me through', 'understand', 'sorry', 'not about', 'how are you', 'worried', 'concerned', 'help', 'workload', 'how much'],
              next: 'opens_up',
            },
          ],
          fallback: [
            'Is that really what you wanted to talk about?',
            "I know it wasn't great. There's a lot going on.",
          ],
        },
        {
          id: 'supported',
          say: ['Okay. That feels really supportive, thank you. I think I needed someone to notice.'],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'shut_down',
          say: ["Right. I'll just keep my head down, then."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'mgmt-delegate-task',
    title: 'Delegating the monthly report',
    summary:
      'Hand over the monthly sales report to a keen junior analyst for the first time. Explain what is needed and why, set the deadline, and make sure they know where to get help.',
    category: 'management',
    difficulty: 'beginner',
    language: 'en-US',
    tags: ['delegation', 'new manager', 'clear instructions', 'coaching'],
    persona: {
      name: 'Jamie Lee',
      role: 'Junior data analyst, six months in the role',
      background:
        'Jamie is eager and capable but has never built the monthly sales report, which goes to the vice president of sales. Jamie wants to know what goes in it, who reads it, when it is due, what to start from and who to ask when stuck. Jamie asks clarifying questions and becomes anxious if given vague instructions or brushed off.',
      voice: 'kal16',
    },
    traineeRole:
      'You are Jamie\'s team lead. You want Jamie to take over the monthly sales report: revenue by region with charts and a one-page summary, using last month\'s template in the shared drive, due Thursday at noon for the vice president of sales.',
    objectives: [
      {
        id: 'explain-task',
        description: 'Explain the task and why it matters.',
        successCriteria: ['Describes the content of the report and who uses it'],
      },
      {
        id: 'set-deadline-resources',
        description: 'Set the deadline and point to resources.',
        successCriteria: ['Gives the deadline and mentions the template or last month\'s report'],
      },
      {
        id: 'offer-support',
        description: 'Check understanding and offer support.',
        successCriteria: ['Explains how to ask for help or offers a draft review, or asks Jamie to play back the plan'],
      },
    ],
    endCriteria: {
      maxDurationSec: 480,
      idleTimeoutSec: 90,
      maxTurns: 10,
      objectiveMet: 'Jamie understands the task, the deadline and where to get help, and is confident to start.',
      objectiveFailed: 'Jamie is left to figure it out alone because the trainee is dismissive.',
    },
    skills: ['clarity-structure', 'giving-feedback', 'active-listening', 'professional-tone'],
    openingInstruction:
      'Open as Jamie, friendly and keen: say you heard the lead has something new for you, you are happy to help, and you just finished the data clean-up.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi! You said you had something new for me? I'm happy to help, I just finished the data clean-up."],
          routes: [
            {
              intent: 'dismissive',
              keywords: [...RUDE, 'figure it out', "don't bother me", 'do not bother me', 'just do it'],
              next: 'alone',
            },
            {
              intent: 'introduces_task',
              keywords: ['report', 'sales report', 'monthly', 'task', 'project', 'own', 'take over', 'responsible', 'responsibility', 'in charge'],
              next: 'what',
            },
          ],
          fallback: [
            'What kind of work is it?',
            "Great, I'm all ears. What is it?",
          ],
        },
        {
          id: 'what',
          say: ['The monthly sales report? Sure, I can do that. What exactly needs to be in it, and who reads it?'],
          routes: [
            {
              intent: 'dismissive',
              keywords: [...RUDE, 'figure it out', "don't bother me", 'do not bother me', 'just do it'],
              next: 'alone',
            },
            {
              intent: 'explains_content',
              keywords: ['vp', 'vice president', 'leadership', 'director', 'head of sales', 'regions', 'region', 'revenue', 'numbers', 'slides', 'chart', 'charts', 'template', 'last month', 'dashboard', 'summary', 'format', 'page'],
              next: 'when',
            },
          ],
          fallback: [
            "Who is the report for? I'd like to know how detailed it should be.",
            'What should the report actually show?',
          ],
        },
        {
          id: 'when',
          say: ['Got it. When do you need it by, and is there anything I should start from?'],
          routes: [
            {
              intent: 'dismissive',
              keywords: [...RUDE, 'figure it out', "don't bother me", 'do not bother me', 'just do it'],
              next: 'alone',
            },
            {
              intent: 'gives_deadline_or_resources',
              keywords: ['thursday', 'friday', 'monday', 'tuesday', 'wednesday', 'noon', 'end of', 'deadline', 'tomorrow', 'next week', 'template', 'last month', 'shared drive', 'drive', 'folder', 'example', 'previous'],
              next: 'check',
            },
          ],
          fallback: [
            'Is there a deadline I should plan around?',
            'Is there an old version I can look at?',
          ],
        },
        {
          id: 'check',
          say: ["Okay, I think I've got it. What should I do if I get stuck or the numbers look weird?"],
          routes: [
            {
              intent: 'dismissive',
              keywords: [...RUDE, 'figure it out', "don't bother me", 'do not bother me', 'just do it', 'not my job'],
              next: 'alone',
            },
            {
              intent: 'asks_for_playback',
              keywords: ['summarize', 'summarise', 'recap', 'repeat back', 'play back', 'walk me through', 'your plan', 'in your own words', 'in your words', 'what will you do'],
              next: 'recap',
            },
            {
              intent: 'offers_support',
              keywords: ['ask me', 'come to me', 'message me', 'slack', 'call me', 'check in', 'my door', 'anytime', 'any time', 'help', 'review', 'look at it', 'wednesday', 'halfway', 'draft', 'questions'],
              next: 'confident',
            },
          ],
          fallback: [
            'Can I come to you with questions?',
            "Would you mind looking at a draft before it goes out?",
          ],
        },
        {
          id: 'recap',
          say: ["Sure. I'll start from last month's template, update the revenue by region with new charts, write the summary, and get it to you before Thursday noon. And if I'm stuck, I'll ask?"],
          routes: [
            {
              intent: 'dismissive',
              keywords: [...RUDE, 'figure it out', "don't bother me", 'do not bother me'],
              next: 'alone',
            },
            {
              intent: 'confirms',
              keywords: ['perfect', 'great', 'exactly', 'yes', 'right', 'correct', 'good', 'ask me', 'draft', 'anytime', 'any time', 'of course'],
              next: 'confident',
            },
          ],
          fallback: [
            'Did I miss anything?',
            'Is that right?',
          ],
        },
        {
          id: 'confident',
          say: ["Great, thanks. That makes me a lot less nervous. I'll get started this afternoon."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'alone',
          say: ["Oh. Okay. I guess I'll try to figure it out on my own."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  // ─────────────────────────────────────────────────────────────── interviews
  {
    id: 'interview-behavioral',
    title: 'Behavioural interview: project coordinator',
    summary:
      'A hiring manager runs a structured behavioural interview. Introduce yourself, answer with concrete examples and results, handle the weakness question honestly, and finish with a good question of your own.',
    category: 'interviews',
    difficulty: 'intermediate',
    language: 'en-US',
    tags: ['job interview', 'star method', 'behavioural questions', 'career'],
    persona: {
      name: 'Helen Carter',
      role: 'Director of Operations, Greenfield Health',
      background:
        'Helen is hiring a project coordinator to run the rollout of a new booking system across 30 clinics. She uses structured behavioural questions and listens for the situation, the candidate\'s own actions, and measurable results. She is warm but probes vague answers and blaming, and she is put off by cliché weaknesses ("I\'m a perfectionist") and by candidates with no questions. If asked what success looks like, she says it is owning the weekly rollout plan and keeping the clinics informed.',
      voice: 'slt',
    },
    traineeRole:
      'You are a candidate interviewing for the project coordinator role at Greenfield Health. Use real or realistic examples from your experience, and prepare a question for the interviewer.',
    objectives: [
      {
        id: 'structured-example',
        description: 'Answer a behavioural question with a structured example.',
        successCriteria: [
          'Describes the situation and their own actions in a conflict example',
          'States a concrete or measurable result',
        ],
      },
      {
        id: 'honest-weakness',
        description: 'Answer the development question honestly.',
        successCriteria: ['Names a real area for improvement and what they are doing about it, not a cliché'],
      },
      {
        id: 'ask-question',
        description: 'Ask the interviewer a thoughtful question.',
        successCriteria: ['Asks at least one relevant question about the role, team or success measures'],
      },
    ],
    endCriteria: {
      maxDurationSec: 900,
      idleTimeoutSec: 120,
      maxTurns: 14,
      objectiveMet: 'Helen closes the interview positively after the candidate gives a structured example, an honest development area and asks a good question.',
      objectiveFailed: 'Helen ends the interview early because of unprofessional remarks, repeated blaming, or the candidate has no questions.',
    },
    skills: ['self-presentation', 'clarity-structure', 'professional-tone', 'active-listening'],
    openingInstruction:
      'Open as Helen: welcome the candidate, introduce yourself as leading the operations team, and ask them to tell you a bit about themselves and why the project coordinator role interests them.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi, thanks for coming in. I'm Helen, I lead the operations team. To start, tell me a bit about yourself and why this project coordinator role interests you."],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'just need a job', 'only for the money', 'hated my boss', 'hate my job', 'my boss was an idiot', 'no idea why'],
              next: 'red_flag',
            },
            {
              intent: 'introduces_self',
              keywords: ['experience', 'worked', 'working', 'years', 'project', 'projects', 'coordinator', 'coordinating', 'team', 'teams', 'organized', 'organised', 'role', 'passionate', 'interested', 'background', 'currently', 'healthcare', 'mission'],
              next: 'conflict_q',
            },
          ],
          fallback: [
            'Take your time. What have you been working on recently?',
            'What draws you to this role in particular?',
          ],
        },
        {
          id: 'conflict_q',
          say: ['Thanks. Tell me about a time you had a conflict with a colleague or a stakeholder. What happened, and how did you handle it?'],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'just need a job', 'only for the money', 'hated my boss', 'my boss was an idiot'],
              next: 'red_flag',
            },
            {
              intent: 'blames',
              keywords: ['their fault', 'his fault', 'her fault', 'they were wrong', 'idiot', 'lazy', 'incompetent', 'useless'],
              next: 'probe_blame',
            },
            {
              intent: 'tells_story',
              keywords: ['situation', 'when', 'time', 'colleague', 'stakeholder', 'manager', 'deadline', 'disagreed', 'disagreement', 'conflict', 'meeting', 'talked', 'spoke', 'listened', 'sat down', 'asked', 'explained', 'project'],
              next: 'result_q',
            },
          ],
          fallback: [
            'It can be a small disagreement. What comes to mind?',
            'Think of a specific time. Who was involved, and what was it about?',
          ],
        },
        {
          id: 'probe_blame',
          say: ['It sounds like you see it as mostly their fault. Looking back, what, if anything, would you do differently?'],
          routes: [
            {
              intent: 'blames_again',
              keywords: [...RUDE, 'their fault', 'his fault', 'her fault', 'nothing', 'they were wrong', 'idiot', 'lazy', 'incompetent'],
              next: 'red_flag',
            },
            {
              intent: 'reflects',
              keywords: ['differently', 'learned', 'learnt', 'should have', 'could have', 'i would', 'better', 'myself', 'my part', 'responsibility', 'earlier', 'sooner', 'listen'],
              next: 'result_q',
            },
          ],
          fallback: [
            'Was there anything in your own approach you would change?',
            'What did you learn from it?',
          ],
        },
        {
          id: 'result_q',
          say: ['And what was the result? What changed because of what you did?'],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'just need a job', 'only for the money'],
              next: 'red_flag',
            },
            {
              intent: 'states_result',
              keywords: ['result', 'as a result', 'percent', 'delivered', 'on time', 'finished', 'improved', 'reduced', 'increased', 'saved', 'learned', 'learnt', 'outcome', 'ended up', 'successfully', 'launched', 'agreed', 'worked'],
              next: 'weakness_q',
            },
          ],
          fallback: [
            'How did it turn out in the end?',
            'Was there a measurable outcome, like time saved or a deadline met?',
          ],
        },
        {
          id: 'weakness_q',
          say: ["Good. What's one area you're actively working to improve, and what are you doing about it?"],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'just need a job', 'only for the money'],
              next: 'red_flag',
            },
            {
              intent: 'cliche',
              keywords: ['perfectionist', 'work too hard', 'too hard', 'care too much', 'no weaknesses', "don't have any", 'do not have any'],
              next: 'cliche',
            },
            {
              intent: 'honest_weakness',
              keywords: ['improve', 'improving', 'working on', 'delegating', 'delegate', 'public speaking', 'presenting', 'feedback', 'course', 'practice', 'practicing', 'learning', 'mentor', 'struggle', 'saying no', 'detail', 'excel'],
              next: 'your_questions',
            },
          ],
          fallback: [
            'Everyone has something. What is yours?',
            'What feedback have you been given that you are working on?',
          ],
        },
        {
          id: 'cliche',
          say: ['Hmm, I hear that one a lot. Can you give me something more real, and what you are doing about it?'],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'just need a job', 'only for the money', 'no weaknesses'],
              next: 'red_flag',
            },
            {
              intent: 'honest_weakness',
              keywords: ['improve', 'improving', 'working on', 'delegating', 'delegate', 'public speaking', 'presenting', 'feedback', 'course', 'practice', 'learning', 'mentor', 'struggle', 'saying no', 'honestly', 'actually'],
              next: 'your_questions',
            },
          ],
          fallback: [
            'Think about feedback from a manager. What came up?',
            'What is something that has actually held you back?',
          ],
        },
        {
          id: 'your_questions',
          say: ["That's honest, thank you. We're nearly out of time. Do you have any questions for me?"],
          routes: [
            {
              intent: 'unprofessional',
              keywords: RUDE,
              next: 'red_flag',
            },
            {
              intent: 'asks_question',
              keywords: ['what', 'how', 'team', 'culture', 'success', 'look like', 'first ninety days', 'first 90 days', 'challenges', 'challenge', 'biggest', 'next steps', 'growth', 'training', 'day to day', 'typical', 'rollout', 'clinics'],
              next: 'strong_close',
            },
            {
              intent: 'no_questions',
              keywords: ['no', 'nope', 'no questions', "i'm good", 'i am good', "that's all", 'not really', 'nothing'],
              next: 'no_questions',
            },
          ],
          fallback: [
            'Anything about the role, the team or how we work?',
            'This is your chance to interview us, too.',
          ],
        },
        {
          id: 'strong_close',
          say: ["Great question. In short, success means owning the weekly rollout plan and keeping thirty clinics in the loop. Thank you, this was a really good conversation, and we'll be in touch by Friday."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'no_questions',
          say: ["Okay. Well, thanks for your time, we'll be in touch."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
        {
          id: 'red_flag',
          say: ['I see. Well, I think I have what I need. Thank you for your time.'],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'interview-phone-screen',
    title: 'Recruiter phone screen',
    summary:
      'A recruiter calls about your application for a customer service job. Introduce yourself briefly, answer questions about availability and pay, and finish by confirming the next step.',
    category: 'interviews',
    difficulty: 'beginner',
    language: 'en-US',
    tags: ['job interview', 'phone screen', 'first impressions', 'career'],
    persona: {
      name: 'Ryan Brooks',
      role: 'Recruiter, Brightpath Retail',
      background:
        'Ryan screens candidates for a full-time customer service representative role at a Brightpath Retail store, paying 17 to 20 dollars an hour, with some weekend shifts. He is friendly and efficient and has about ten minutes. He wants a short introduction, availability, a start date and pay expectations, and the next step is an in-person interview with the store manager.',
      voice: 'awb',
    },
    traineeRole:
      'You applied for a customer service representative job at Brightpath Retail, and the recruiter is calling you. Be clear and concise, and make sure you know what happens next.',
    objectives: [
      {
        id: 'introduce-self',
        description: 'Introduce yourself clearly and briefly.',
        successCriteria: ['Gives a short summary of relevant experience with customers'],
      },
      {
        id: 'practical-answers',
        description: 'Answer the practical questions.',
        successCriteria: ['States availability or a start date', 'Gives a pay expectation or range'],
      },
      {
        id: 'confirm-next-step',
        description: 'Close by confirming the next step.',
        successCriteria: ['Asks a question or confirms the in-person interview'],
      },
    ],
    endCriteria: {
      maxDurationSec: 420,
      idleTimeoutSec: 60,
      maxTurns: 10,
      objectiveMet: 'Ryan invites the candidate to an in-person interview.',
      objectiveFailed: 'Ryan ends the call because the candidate is dismissive or unprofessional.',
    },
    skills: ['self-presentation', 'clarity-structure', 'professional-tone', 'language-fluency'],
    openingInstruction:
      'Open as Ryan: introduce yourself as calling from Brightpath Retail about the customer service representative application, and ask whether now is still a good time to talk.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi, this is Ryan from Brightpath Retail, calling about your application for the customer service representative position. Is now still a good time to talk?"],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'not interested', 'just need money', 'only for the money'],
              next: 'not_a_fit',
            },
            {
              intent: 'agrees',
              keywords: ['yes', 'yeah', 'sure', 'good time', 'of course', 'absolutely', 'definitely', 'great', 'hi', 'hello', 'thanks', 'thank you', 'perfect', 'okay'],
              next: 'intro',
            },
          ],
          fallback: [
            'Sorry, I did not catch that. Is this a good time for a quick chat?',
            'It will only take about ten minutes. Shall we go ahead?',
          ],
        },
        {
          id: 'intro',
          say: ['Great. Can you tell me a little about yourself and your experience working with customers?'],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'not interested', 'just need money', 'only for the money', 'hated my boss'],
              next: 'not_a_fit',
            },
            {
              intent: 'describes_experience',
              keywords: ['worked', 'work', 'working', 'experience', 'years', 'customers', 'customer', 'store', 'shop', 'restaurant', 'retail', 'helped', 'help', 'team', 'call center', 'cashier', 'service', 'school', 'volunteer'],
              next: 'availability',
            },
          ],
          fallback: [
            'Any job where you dealt with people is relevant, even volunteering.',
            'What have you been doing most recently?',
          ],
        },
        {
          id: 'availability',
          say: ["Thanks. The role is full-time, with some weekend shifts. What's your availability, and when could you start?"],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'not interested'],
              next: 'not_a_fit',
            },
            {
              intent: 'gives_availability',
              keywords: ['weekend', 'weekends', 'weekdays', 'full time', 'full-time', 'monday', 'available', 'any time', 'anytime', 'start', 'two weeks', 'immediately', 'right away', 'next week', 'next month', 'flexible', 'shifts', 'mornings', 'evenings'],
              next: 'pay',
            },
          ],
          fallback: [
            'Are weekends okay for you?',
            'When would you be able to start?',
          ],
        },
        {
          id: 'pay',
          say: ['Good to know. And what are your pay expectations for this role?'],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'not interested'],
              next: 'not_a_fit',
            },
            {
              intent: 'gives_expectation',
              keywords: ['dollars', 'per hour', 'an hour', 'hour', 'hourly', 'salary', 'range', 'thousand', 'per year', 'a year', 'flexible', 'open', 'negotiable', 'competitive', 'market', 'eighteen', 'nineteen', 'twenty', 'seventeen'],
              next: 'candidate_q',
            },
          ],
          fallback: [
            'A rough hourly figure or a range is fine.',
            'What would you be looking for, roughly?',
          ],
        },
        {
          id: 'candidate_q',
          say: ['That works within our range. Before we wrap up, do you have any questions for me?'],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'not interested'],
              next: 'not_a_fit',
            },
            {
              intent: 'asks_question',
              keywords: ['what', 'when', 'next steps', 'next step', 'hear back', 'interview', 'team', 'training', 'schedule', 'how', 'who', 'where'],
              next: 'invited',
            },
            {
              intent: 'no_questions',
              keywords: ['no', 'nope', 'no questions', "i'm good", 'i am good', "that's all", 'not really', 'nothing'],
              next: 'next_step_offer',
            },
          ],
          fallback: [
            'Anything about the role, the store, or what happens next?',
            'No pressure. Anything at all you would like to know?',
          ],
        },
        {
          id: 'next_step_offer',
          say: ['No problem. The next step would be an in-person interview with the store manager. Does that work for you?'],
          routes: [
            {
              intent: 'unprofessional',
              keywords: [...RUDE, 'not interested'],
              next: 'not_a_fit',
            },
            {
              intent: 'confirms',
              keywords: ['yes', 'sure', 'works', 'great', 'sounds good', 'perfect', 'okay', 'thank you', 'thanks', 'of course', 'definitely', 'absolutely'],
              next: 'invited',
            },
          ],
          fallback: [
            'Would you like me to set that up?',
            'Shall I send you some times for that interview?',
          ],
        },
        {
          id: 'invited',
          say: ["Perfect. I'll email you an invitation for an interview with the store manager this week. Thanks for your time, and have a great day."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'not_a_fit',
          say: ["Okay, I don't think this role is the right fit. Thanks for your time."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  // ─────────────────────────────────────────────────────────────── negotiation
  {
    id: 'negotiation-job-offer',
    title: 'Negotiating a job offer',
    summary:
      'HR calls with a job offer below the market rate. Show enthusiasm, make a reasoned counter-offer, explore the rest of the package, and get the agreement confirmed in writing.',
    category: 'negotiation',
    difficulty: 'intermediate',
    language: 'en-US',
    tags: ['salary negotiation', 'job offer', 'career', 'counter-offer'],
    persona: {
      name: 'Laura Chen',
      role: 'HR Business Partner, Vireo Analytics',
      background:
        'Laura is offering a data analyst role at 72,000 dollars base. The approved band goes up to 76,000 on base without further sign-off, and she can add a signing bonus of up to 5,000 dollars or an extra week of vacation. She genuinely wants the candidate to join and responds well to enthusiasm plus market data. Ultimatums or calling the offer insulting make her cautious, and if the candidate accepts immediately she happily closes at 72,000.',
      voice: 'slt',
    },
    traineeRole:
      'You are the candidate. You want this job. Your research shows similar data analyst roles in your city pay 78,000 to 82,000 dollars, and you are in late-stage interviews with another company. Negotiate the best package you reasonably can while keeping the relationship positive.',
    objectives: [
      {
        id: 'reasoned-counter',
        description: 'Make a reasoned counter-offer.',
        successCriteria: [
          'Expresses enthusiasm for the role before negotiating',
          'Names a higher figure or range and justifies it with market data, skills or a competing process',
        ],
      },
      {
        id: 'explore-package',
        description: 'Explore the package beyond base salary.',
        successCriteria: ['Asks about at least one other element: signing bonus, vacation, remote work, training budget or start date'],
      },
      {
        id: 'confirm-agreement',
        description: 'Close and confirm the agreement.',
        successCriteria: ['Restates or accepts the improved terms and asks for the updated offer in writing'],
      },
    ],
    endCriteria: {
      maxDurationSec: 600,
      idleTimeoutSec: 90,
      maxTurns: 14,
      objectiveMet: 'Laura agrees to an improved offer and will send it in writing.',
      objectiveFailed: 'The candidate accepts the first offer without negotiating, or Laura withdraws because the candidate is hostile or issues ultimatums.',
    },
    skills: ['negotiation', 'professional-tone', 'clarity-structure', 'active-listening'],
    openingInstruction:
      'Open as Laura, warm and upbeat: say the team loved the candidate and formally offer the data analyst role at 72,000 dollars base, then ask how that sounds.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi, I'm so glad we could talk! The team loved you, and I'm happy to formally offer you the data analyst role at seventy-two thousand dollars base. How does that sound?"],
          routes: [
            {
              intent: 'hostile',
              keywords: [...RUDE, 'insulting', 'insult', 'a joke', 'ridiculous', 'take it or leave it', 'lowball', 'low ball'],
              next: 'pushback',
            },
            {
              intent: 'counters',
              keywords: ['eighty', 'seventy eight', 'seventy-eight', 'seventy five', 'seventy-five', 'higher', 'more', 'market', 'research', 'range', 'hoping', 'expecting', 'expected', 'counter', 'increase', 'flexibility', 'flexible', 'negotiate', 'room', 'however', 'but', 'salary', 'discuss', 'compensation'],
              next: 'justify',
            },
            {
              intent: 'accepts_immediately',
              keywords: ['i accept', 'accept', 'deal', "i'll take it", 'i will take it', 'sounds great', 'sounds good', 'perfect', 'yes'],
              next: 'accepted_first_offer',
            },
          ],
          fallback: [
            'Take a moment. What are your thoughts on the offer?',
            'I would love to hear how you feel about it.',
          ],
        },
        {
          id: 'justify',
          say: ["I appreciate you being upfront. Seventy-two is where we landed based on the internal band. What's driving the number you have in mind?"],
          routes: [
            {
              intent: 'hostile',
              keywords: [...RUDE, 'insulting', 'insult', 'a joke', 'ridiculous', 'take it or leave it', 'lowball'],
              next: 'pushback',
            },
            {
              intent: 'justifies',
              keywords: ['market', 'data', 'research', 'glassdoor', 'levels', 'experience', 'skills', 'python', 'sql', 'other offer', 'another offer', 'another company', 'other company', 'interviewing', 'competing', 'comparable', 'similar roles', 'similar', 'certification', 'degree', 'city'],
              next: 'move',
            },
          ],
          fallback: [
            'Help me understand where your number comes from, so I can make the case internally.',
            'What would you base that figure on?',
          ],
        },
        {
          id: 'move',
          say: ["That's fair. I can go to seventy-six thousand on base, which is the top of what I can approve today. Is there anything else in the package that matters to you?"],
          routes: [
            {
              intent: 'hostile',
              keywords: [...RUDE, 'insulting', 'a joke', 'ridiculous', 'take it or leave it'],
              next: 'pushback',
            },
            {
              intent: 'explores_package',
              keywords: ['signing', 'bonus', 'vacation', 'time off', 'pto', 'holiday', 'remote', 'from home', 'hybrid', 'training', 'budget', 'learning', 'start date', 'equity', 'conference', 'benefits', 'relocation'],
              next: 'package',
            },
            {
              intent: 'accepts',
              keywords: ['accept', 'deal', "i'll take it", 'sounds good', 'works for me', 'agreed', 'in writing', 'send it'],
              next: 'confirm',
            },
          ],
          fallback: [
            'Is base salary the only thing on your mind, or are there other parts of the offer we should look at?',
            'Would seventy-six work for you?',
          ],
        },
        {
          id: 'package',
          say: ['I can add a five thousand dollar signing bonus, or an extra week of vacation. Which would you prefer?'],
          routes: [
            {
              intent: 'hostile',
              keywords: [...RUDE, 'insulting', 'a joke', 'ridiculous', 'take it or leave it'],
              next: 'pushback',
            },
            {
              intent: 'chooses',
              keywords: ['bonus', 'signing', 'vacation', 'week', 'both', 'time off', 'pto', 'holiday', 'money', 'cash'],
              next: 'confirm',
            },
          ],
          fallback: [
            'Either is fine on my side. What matters more to you?',
            'Bonus or vacation?',
          ],
        },
        {
          id: 'confirm',
          say: ["Okay, I'll put that into the updated offer. Is there anything else before I send it over in writing?"],
          routes: [
            {
              intent: 'hostile',
              keywords: [...RUDE, 'take it or leave it'],
              next: 'pushback',
            },
            {
              intent: 'closes',
              keywords: ['no', "that's all", 'nothing else', 'all good', 'writing', 'email', 'send', 'thank you', 'thanks', 'great', 'perfect', 'looking forward', 'excited', 'sounds good', 'confirm'],
              next: 'agreed',
            },
          ],
          fallback: [
            'Shall I send the updated offer today?',
            'Anything else you want to check before I put it in writing?',
          ],
        },
        {
          id: 'pushback',
          say: ["I'm sorry it landed that way. I want to make this work, but I need us to keep this constructive. What would make this offer right for you?"],
          routes: [
            {
              intent: 'hostile_again',
              keywords: [...RUDE, 'insulting', 'insult', 'a joke', 'ridiculous', 'take it or leave it', 'forget it', 'lowball'],
              next: 'withdrawn',
            },
            {
              intent: 'counters_constructively',
              keywords: ['sorry', 'market', 'research', 'eighty', 'seventy eight', 'seventy-eight', 'range', 'hoping', 'data', 'experience', 'other offer', 'another offer', 'excited', 'want this'],
              next: 'justify',
            },
          ],
          fallback: [
            'Can you tell me what number you had in mind, and why?',
            "Let's reset. What matters most to you in this offer?",
          ],
        },
        {
          id: 'agreed',
          say: ["Perfect. You'll have the updated offer in your inbox by tomorrow morning. We're really excited to have you on board."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'accepted_first_offer',
          say: ["Wonderful! I'll send the paperwork over at seventy-two thousand, then. Welcome to the team!"],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
        {
          id: 'withdrawn',
          say: ["I think we may not be the right fit after all. I'll let the hiring manager know."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'negotiation-supplier-renewal',
    title: 'Pushing back on a supplier price increase',
    summary:
      'Your produce supplier wants a 12 percent increase across the board, after a quarter of late deliveries. Challenge the number with facts, trade concessions, and close on clear terms.',
    category: 'negotiation',
    difficulty: 'advanced',
    language: 'en-US',
    tags: ['procurement', 'supplier', 'price increase', 'b2b', 'trade-offs'],
    persona: {
      name: 'Victor Alvarez',
      role: 'Account Director, FreshCo Produce',
      background:
        'Victor has supplied the Harbor Kitchen restaurant group (12 locations) for six years. He opens with a 12 percent increase, blaming fuel, labour and drought. In reality leafy greens are up about 20 percent while dry goods and dairy are up only 4 to 5 percent, and he would accept 5 percent in exchange for a two-year contract covering all 12 locations. FreshCo was late on deliveries three times last quarter because of driver shortages, which he knows is a weak spot. He is experienced and friendly, hardens when insulted, and respects counterparts who use data and trade rather than demand.',
      voice: 'awb',
    },
    traineeRole:
      'You are the purchasing manager for Harbor Kitchen. Your budget allows at most a 5 percent increase. FreshCo was late three times last quarter, and you have a competing quote from another supplier. You can offer a two-year term and bring all 12 locations to FreshCo (four currently buy elsewhere).',
    objectives: [
      {
        id: 'challenge-with-facts',
        description: 'Challenge the increase with facts rather than emotion.',
        successCriteria: [
          'Asks for a breakdown of the increase by category',
          'Raises the late deliveries or the competing quote as leverage',
        ],
      },
      {
        id: 'trade-concessions',
        description: 'Trade concessions instead of giving them away.',
        successCriteria: ['Offers the longer term or extra volume only in exchange for a lower increase', 'Secures a remedy for late deliveries'],
      },
      {
        id: 'close-clear-terms',
        description: 'Close with clear, restated terms.',
        successCriteria: ['Summarises the agreed increase, term and delivery remedy'],
      },
    ],
    endCriteria: {
      maxDurationSec: 900,
      idleTimeoutSec: 120,
      maxTurns: 18,
      objectiveMet: 'Victor agrees to an increase of 5 percent or less with a two-year term and a late-delivery remedy.',
      objectiveFailed: 'The trainee accepts 8 percent or more without concessions, or Victor breaks off the talks because the trainee is insulting.',
    },
    skills: ['negotiation', 'objection-handling', 'discovery-questioning', 'professional-tone'],
    openingInstruction:
      'Open as Victor, friendly but firm: say costs have gone up a lot this year (fuel, labour, the drought) and that FreshCo is proposing a 12 percent increase across the board for the renewal.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Good to see you. As you know, our costs went up a lot this year: fuel, labour, the drought in California. So for the renewal we're proposing a twelve percent increase across the board."],
          routes: [
            {
              intent: 'insults',
              keywords: ['ridiculous', 'rip off', 'ripoff', 'a joke', 'greedy', 'are you kidding', 'outrageous', 'scam'],
              next: 'hardened',
            },
            {
              intent: 'accepts',
              keywords: ['we accept', 'i accept', 'agreed', 'twelve is fine', 'twelve percent is fine', 'we can do twelve', 'sounds fair', 'that works'],
              next: 'caved',
            },
            {
              intent: 'uses_leverage',
              keywords: ['late', 'deliveries', 'delivery', 'missed', 'reliability', 'reliable', 'three times', 'quality', 'competitor', 'competitors', 'other suppliers', 'another supplier', 'quote', 'quotes', 'market'],
              next: 'leverage',
            },
            {
              intent: 'asks_breakdown',
              keywords: ['why', 'break down', 'breakdown', 'which items', 'items', 'categories', 'category', 'explain', 'show me', 'data', 'justify', 'driving', 'numbers', 'where', 'what exactly', 'across the board'],
              next: 'breakdown',
            },
          ],
          fallback: [
            'I know it is not what you want to hear, but those are our costs.',
            'So, can we move forward on that basis?',
          ],
        },
        {
          id: 'breakdown',
          say: ['Mostly produce and fuel. Leafy greens are up about twenty percent, but to be fair, dry goods and dairy are closer to four or five.'],
          routes: [
            {
              intent: 'insults',
              keywords: ['ridiculous', 'rip off', 'ripoff', 'a joke', 'greedy', 'outrageous', 'scam'],
              next: 'hardened',
            },
            {
              intent: 'uses_leverage',
              keywords: ['late', 'deliveries', 'delivery', 'missed', 'reliability', 'three times', 'competitor', 'other suppliers', 'another supplier', 'quote', 'quotes'],
              next: 'leverage',
            },
            {
              intent: 'targets_categories',
              keywords: ['only', 'just', 'greens', 'produce', 'separate', 'item by item', 'by category', 'dry goods', 'dairy', 'not across', 'blended', 'average', 'three percent', 'four percent', 'five percent', 'lower', 'less'],
              next: 'counter',
            },
          ],
          fallback: [
            'So you see, the increase is real.',
            'How would you like to handle it?',
          ],
        },
        {
          id: 'leverage',
          say: ["I hear you on the late deliveries, we had driver shortages, and that's fixed now. But I can't absorb all of these costs. What are you proposing?"],
          routes: [
            {
              intent: 'insults',
              keywords: ['ridiculous', 'rip off', 'ripoff', 'a joke', 'greedy', 'outrageous', 'scam'],
              next: 'hardened',
            },
            {
              intent: 'offers_trade',
              keywords: ['two year', 'two-year', 'two years', 'longer', 'volume', 'exclusive', 'all locations', 'all twelve', 'all 12', 'commit', 'commitment', 'contract', 'more business'],
              next: 'trade',
            },
            {
              intent: 'counters',
              keywords: ['three percent', 'four percent', 'five percent', '3 percent', '4 percent', '5 percent', 'two percent', 'cap', 'freeze', 'lower', 'less', 'budget'],
              next: 'counter',
            },
          ],
          fallback: [
            'Give me a number and a reason, and I will see what I can do.',
            'What would work for you?',
          ],
        },
        {
          id: 'counter',
          say: ["Five percent won't cover our costs. I could maybe do eight if nothing else changes. What can you give me in return for going lower?"],
          routes: [
            {
              intent: 'insults',
              keywords: ['ridiculous', 'rip off', 'ripoff', 'a joke', 'greedy', 'outrageous', 'scam'],
              next: 'hardened',
            },
            {
              intent: 'accepts_eight',
              keywords: ['eight percent works', 'eight works', 'we can do eight', 'accept eight', 'eight is fine', 'agree to eight', 'okay eight', 'fine eight'],
              next: 'caved',
            },
            {
              intent: 'offers_trade',
              keywords: ['two year', 'two-year', 'two years', 'longer', 'volume', 'exclusive', 'all locations', 'all twelve', 'all 12', 'commit', 'commitment', 'contract', 'more business', 'in return', 'in exchange', 'if you'],
              next: 'trade',
            },
          ],
          fallback: [
            'I need something on my side to go lower than eight.',
            'What is in it for FreshCo if I go lower?',
          ],
        },
        {
          id: 'trade',
          say: ['A two-year term with all twelve locations would help me a lot. If you commit to that, I can hold the increase at five percent. Is there anything else?'],
          routes: [
            {
              intent: 'insults',
              keywords: ['ridiculous', 'rip off', 'ripoff', 'a joke', 'greedy', 'outrageous', 'scam'],
              next: 'hardened',
            },
            {
              intent: 'asks_delivery_remedy',
              keywords: ['penalty', 'penalties', 'credit', 'credits', 'guarantee', 'service level', 'sla', 'on time', 'late', 'refund', 'discount', 'if you miss', 'window', 'reliability', 'deliveries', 'delivery'],
              next: 'remedy',
            },
          ],
          fallback: [
            'Five percent is a good deal for you. Do we have an agreement?',
            'Anything else you need before we shake on it?',
          ],
        },
        {
          id: 'remedy',
          say: ['Fine, a credit on any delivery more than an hour late. I can live with that. So where does that leave us?'],
          routes: [
            {
              intent: 'insults',
              keywords: ['ridiculous', 'rip off', 'ripoff', 'a joke', 'greedy', 'outrageous', 'scam'],
              next: 'hardened',
            },
            {
              intent: 'summarises',
              keywords: ['so we agree', 'to confirm', 'to summarize', 'to summarise', 'recap', 'five percent', '5 percent', 'two years', 'two year', 'two-year', 'in writing', 'send', 'contract', 'agreement', 'deal', 'agreed'],
              next: 'closed',
            },
          ],
          fallback: [
            "Let's make sure we both have the same understanding. Can you run through what we agreed?",
            'Shall we put this in writing?',
          ],
        },
        {
          id: 'hardened',
          say: ["I don't appreciate that tone. We've been a reliable partner for six years, and if that's how this is going, twelve percent is final."],
          routes: [
            {
              intent: 'insults_again',
              keywords: [...RUDE, 'ridiculous', 'rip off', 'ripoff', 'a joke', 'greedy', 'outrageous', 'scam'],
              next: 'broken_off',
            },
            {
              intent: 'repairs',
              keywords: ['apologize', 'apologise', 'sorry', 'fair', 'value', 'partnership', 'partner', 'relationship', "let's", 'work together', 'understand', 'step back', 'start again'],
              next: 'breakdown',
            },
          ],
          fallback: [
            'So, are we going to have a professional conversation?',
            'I am waiting to hear something constructive.',
          ],
        },
        {
          id: 'closed',
          say: ["Alright: five percent, two years, all twelve locations, and a credit for late deliveries. I'll have the contract to you by Friday."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'caved',
          say: ["Great, I'll send over the new price list this afternoon. Pleasure doing business."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
        {
          id: 'broken_off',
          say: ["Then I think we're done for today. You'll get the new price list by email."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  // ─────────────────────────────────────────────────────────────── language
  {
    id: 'language-hotel-checkin',
    title: 'English practice: checking in at a hotel',
    summary:
      'Practise everyday English at a hotel front desk in Boston: check in with your reservation, make a polite request, and ask about the hotel\'s services.',
    category: 'language',
    difficulty: 'beginner',
    language: 'en-US',
    tags: ['english', 'travel', 'hotel', 'polite requests', 'everyday conversation'],
    persona: {
      name: 'Emily Ward',
      role: 'Front desk agent, Harborview Hotel, Boston',
      background:
        'Emily is a friendly, patient front desk agent. The guest has a reservation for three nights in a king room. She needs the guest\'s name and an ID and card, and can offer a quiet room on the ninth floor, late checkout until 1 pm, and extra pillows or towels. Breakfast is from 6:30 to 10 in the restaurant on the first floor; the Wi-Fi password is printed on the key card sleeve. She speaks clearly and a little slowly, and rephrases when the guest seems unsure.',
      voice: 'slt',
    },
    traineeRole:
      'You are a guest practising your English. You have a reservation at the Harborview Hotel for three nights. Check in, make one polite request (for example, a quiet room or late checkout), and ask about something you need, such as breakfast or the Wi-Fi.',
    objectives: [
      {
        id: 'check-in',
        description: 'Complete the check-in.',
        successCriteria: ['Says they are checking in, gives their name, and responds to the request for ID'],
      },
      {
        id: 'polite-request-or-question',
        description: 'Make a polite request or ask about hotel services.',
        successCriteria: [
          'Uses a polite form such as "could I", "could you" or "would it be possible"',
          'Asks about breakfast, Wi-Fi or another service, or makes a room request',
        ],
      },
    ],
    endCriteria: {
      maxDurationSec: 480,
      idleTimeoutSec: 120,
      maxTurns: 12,
      objectiveMet: 'The guest is checked in and has made a request or asked about a hotel service.',
      objectiveFailed: 'The guest leaves the desk without completing the check-in.',
    },
    skills: ['language-fluency', 'professional-tone', 'active-listening'],
    openingInstruction:
      'Open as Emily with a warm, clear greeting: welcome the guest to the Harborview Hotel and ask if they are checking in tonight. Speak in short, simple sentences.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ['Good evening, and welcome to the Harborview Hotel. Are you checking in tonight?'],
          routes: [
            {
              intent: 'checking_in',
              keywords: ['yes', 'yeah', 'checking in', 'check in', 'check-in', 'reservation', 'booking', 'booked', 'i have', 'please', 'room', 'good evening', 'hello', 'hi'],
              next: 'name',
            },
          ],
          fallback: [
            'Do you have a reservation with us? You can say, yes, I have a reservation.',
            'Are you checking in? You can say, I would like to check in, please.',
          ],
        },
        {
          id: 'name',
          say: ['Wonderful. May I have your name, please?'],
          routes: [
            {
              intent: 'gives_name',
              keywords: ['my name is', 'name is', "i'm", 'i am', "it's", 'it is', 'under', 'last name', 'surname', 'family name', 'name'],
              next: 'id_card',
            },
          ],
          fallback: [
            'Sorry, could you tell me your full name? For example, my name is Anna Silva.',
            'What name is the reservation under?',
          ],
        },
        {
          id: 'id_card',
          say: ['Thank you. I see your reservation for three nights in a king room. Could I see your passport or ID, and a credit card, please?'],
          routes: [
            {
              intent: 'hands_over',
              keywords: ['here', 'here you are', 'here it is', 'here you go', 'passport', 'id', 'card', 'sure', 'of course', 'yes', 'okay', 'certainly'],
              next: 'anything_else',
            },
          ],
          fallback: [
            'I just need your passport or ID, and a card for incidentals. You can say, here you are.',
            'Do you have your passport with you?',
          ],
        },
        {
          id: 'anything_else',
          say: ["Perfect, you're all set in room four twelve. Is there anything else I can help you with?"],
          routes: [
            {
              intent: 'makes_request',
              keywords: ['quiet', 'noise', 'noisy', 'high floor', 'higher floor', 'away from', 'elevator', 'view', 'late checkout', 'late check out', 'pillow', 'pillows', 'towel', 'towels', 'could i', 'could you', 'would it be possible', 'is it possible', 'may i', 'can i', 'can you'],
              next: 'request_granted',
            },
            {
              intent: 'asks_info',
              keywords: ['breakfast', 'wifi', 'wi-fi', 'wi fi', 'internet', 'password', 'gym', 'pool', 'parking', 'restaurant', 'what time', 'checkout time', 'check out time'],
              next: 'info_given',
            },
          ],
          fallback: [
            'Would you like to know about breakfast or the Wi-Fi?',
            'Do you have any requests for your room? For example, you can ask, could I have a quiet room?',
          ],
        },
        {
          id: 'request_granted',
          say: ["Of course. I can give you a quiet room on the ninth floor, away from the elevator. Do you have any other questions?"],
          routes: [
            {
              intent: 'asks_info',
              keywords: ['breakfast', 'wifi', 'wi-fi', 'wi fi', 'internet', 'password', 'gym', 'pool', 'parking', 'restaurant', 'what time', 'checkout time', 'check out time'],
              next: 'welcome',
            },
            {
              intent: 'thanks',
              keywords: ['thank you', 'thanks', 'no', "that's all", 'that is all', 'nothing else', 'great', 'perfect', 'wonderful', 'good night'],
              next: 'welcome',
            },
          ],
          fallback: [
            'Breakfast starts at six thirty, if you would like to know more.',
            'Is there anything else you need for your stay?',
          ],
        },
        {
          id: 'info_given',
          say: ['Breakfast is from six thirty to ten in the restaurant on the first floor, and the Wi-Fi password is on your key card. Anything else?'],
          routes: [
            {
              intent: 'makes_request',
              keywords: ['quiet', 'noise', 'high floor', 'higher floor', 'away from', 'elevator', 'view', 'late checkout', 'late check out', 'pillow', 'pillows', 'towel', 'towels', 'could i', 'could you', 'would it be possible', 'is it possible', 'may i', 'can i', 'can you'],
              next: 'welcome',
            },
            {
              intent: 'thanks',
              keywords: ['thank you', 'thanks', 'no', "that's all", 'that is all', 'nothing else', 'great', 'perfect', 'wonderful', 'good night'],
              next: 'welcome',
            },
          ],
          fallback: [
            'Would you like anything for your room, like extra towels or a late checkout?',
            'Is there anything else I can do for you?',
          ],
        },
        {
          id: 'welcome',
          say: ["You're very welcome. Here are your keys. Enjoy your stay with us, and have a good night."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
      ],
    },
  },
  {
    id: 'language-restaurant-order',
    title: 'English practice: ordering at a restaurant',
    summary:
      'Practise ordering dinner in English at an Italian restaurant: order a drink, ask for a recommendation, mention an allergy, and order your meal politely.',
    category: 'language',
    difficulty: 'beginner',
    language: 'en-US',
    tags: ['english', 'restaurant', 'food', 'allergies', 'everyday conversation'],
    persona: {
      name: 'Mike Russo',
      role: 'Server, Lucia\'s Trattoria',
      background:
        'Mike is a cheerful server at a small Italian restaurant. Tonight\'s special is grilled salmon with roasted vegetables; the most popular dish is pesto linguine, which contains pine nuts. Several sauces contain nuts, so he always asks about allergies. He speaks clearly, repeats orders back, and helps guests who are unsure of a word.',
      voice: 'rms',
    },
    traineeRole:
      'You are a customer practising your English at Lucia\'s Trattoria. Order a drink, ask what the server recommends or ask about ingredients, tell him about any allergy (for example, nuts), and order a main course.',
    objectives: [
      {
        id: 'order-politely',
        description: 'Order a drink and a main course politely.',
        successCriteria: ['Uses polite forms such as "I would like" or "could I have" to order a drink and a main course'],
      },
      {
        id: 'ask-and-inform',
        description: 'Ask about the food and mention dietary needs.',
        successCriteria: ['Asks for a recommendation or about ingredients', 'States an allergy or confirms having none'],
      },
    ],
    endCriteria: {
      maxDurationSec: 480,
      idleTimeoutSec: 120,
      maxTurns: 12,
      objectiveMet: 'The order is placed, including any allergy information.',
      objectiveFailed: 'The customer leaves without ordering.',
    },
    skills: ['language-fluency', 'active-listening', 'professional-tone'],
    openingInstruction:
      'Open as Mike: welcome the guest to Lucia\'s, introduce yourself as their server tonight, and ask what they would like to drink. Speak clearly and simply.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi there, welcome to Lucia's! My name is Mike, and I'll be taking care of you tonight. Can I start you off with something to drink?"],
          routes: [
            {
              intent: 'orders_drink',
              keywords: ['water', 'wine', 'juice', 'soda', 'coke', 'tea', 'coffee', 'beer', 'lemonade', 'sparkling', 'glass of', 'drink', "i'd like", 'i would like', 'could i have', 'can i have', 'may i have', 'please'],
              next: 'menu',
            },
          ],
          fallback: [
            'We have water, soft drinks, juice, wine and beer. What would you like?',
            'You can say, I would like a glass of water, please.',
          ],
        },
        {
          id: 'menu',
          say: ['Great choice, I will bring that right out. Have you had a chance to look at the menu, or would you like a recommendation?'],
          routes: [
            {
              intent: 'asks_recommendation',
              keywords: ['recommend', 'recommendation', 'suggest', 'suggestion', 'popular', 'special', 'specials', 'best', 'favorite', 'favourite', 'good here', 'what is good', "what's good"],
              next: 'recommendation',
            },
            {
              intent: 'asks_ingredients',
              keywords: ['allergy', 'allergic', 'nuts', 'nut', 'peanuts', 'gluten', 'dairy', 'vegetarian', 'vegan', 'ingredients', "what's in", 'what is in', 'does it have', 'contain'],
              next: 'allergy',
            },
            {
              intent: 'orders_food',
              keywords: ['pasta', 'pizza', 'salad', 'chicken', 'fish', 'salmon', 'steak', 'lasagna', 'risotto', 'soup', 'linguine', "i'll have", 'i will have', "i'd like", 'i would like', 'could i get', 'can i get', 'could i have', 'can i have'],
              next: 'allergy_check',
            },
          ],
          fallback: [
            'Would you like me to recommend something? You can ask, what do you recommend?',
            'Take your time. Do you have any questions about the menu?',
          ],
        },
        {
          id: 'recommendation',
          say: ["Our most popular dish is the pesto linguine, and tonight's special is grilled salmon with roasted vegetables."],
          routes: [
            {
              intent: 'asks_ingredients',
              keywords: ['allergy', 'allergic', 'nuts', 'nut', 'peanuts', 'gluten', 'dairy', 'vegetarian', 'vegan', 'ingredients', "what's in", 'what is in', 'does it have', 'contain'],
              next: 'allergy',
            },
            {
              intent: 'orders_food',
              keywords: ['pasta', 'pizza', 'salad', 'chicken', 'fish', 'salmon', 'steak', 'linguine', 'pesto', 'special', "i'll have", 'i will have', "i'd like", 'i would like', 'could i get', 'can i get', 'could i have', 'can i have', 'sounds good'],
              next: 'allergy_check',
            },
          ],
          fallback: [
            'Both are very good. Which one sounds better to you?',
            'Would you like the linguine or the salmon?',
          ],
        },
        {
          id: 'allergy',
          say: ['Good question. The pesto has pine nuts in it, but the salmon is completely nut free. Would you like the salmon?'],
          routes: [
            {
              intent: 'orders',
              keywords: ['yes', 'salmon', 'please', 'sure', 'okay', 'sounds good', "i'll have", 'i will have', "i'd like", 'i would like', 'perfect', 'great'],
              next: 'order_done',
            },
          ],
          fallback: [
            'The salmon is a safe choice. Shall I put that in for you?',
            'Would you like something else instead?',
          ],
        },
        {
          id: 'allergy_check',
          say: ['Perfect. Just so you know, a few of our sauces contain nuts. Do you have any food allergies I should tell the kitchen about?'],
          routes: [
            {
              intent: 'answers_allergy',
              keywords: ['allergic', 'allergy', 'allergies', 'nuts', 'nut', 'peanuts', 'gluten', 'dairy', 'shellfish', 'no allergies', 'none', 'no', 'not', 'nothing'],
              next: 'order_done',
            },
          ],
          fallback: [
            'You can say, I am allergic to nuts, or, no, I do not have any allergies.',
            'Any allergies at all, like nuts or dairy?',
          ],
        },
        {
          id: 'order_done',
          say: ['Got it, I will let the kitchen know. Is there anything else I can get for you?'],
          routes: [
            {
              intent: 'finishes',
              keywords: ['no', "that's all", 'that is all', "that's it", 'nothing else', 'thank you', 'thanks', 'bread', 'water', 'later', 'check', 'bill', "i'm fine", 'i am fine', 'good'],
              next: 'served',
            },
          ],
          fallback: [
            'Some bread for the table, maybe?',
            'Anything else, or is that everything for now?',
          ],
        },
        {
          id: 'served',
          say: ['You got it. Your food will be out in about fifteen minutes. Enjoy!'],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
      ],
    },
  },
  // ─────────────────────────────────────────────────────────────── healthcare
  {
    id: 'healthcare-anxious-patient',
    title: 'Pre-procedure call with an anxious patient',
    summary:
      'A patient booked for a colonoscopy tomorrow is thinking of cancelling. Draw out his worries, explain what will happen in plain words, and check he understands the preparation before he commits to coming in.',
    category: 'healthcare',
    difficulty: 'intermediate',
    language: 'en-US',
    tags: ['patient communication', 'anxiety', 'teach-back', 'nursing', 'plain language'],
    persona: {
      name: 'Robert Hayes',
      role: 'Patient, 58, booked for his first colonoscopy',
      background:
        'Robert is booked for a screening colonoscopy at 8 am tomorrow. He is anxious about the sedation, because his brother had a bad reaction to anaesthesia years ago, and scared of what they might find, because his father had colon cancer. He is considering cancelling. He calms down when his fears are acknowledged and explained simply: the sedation team reviews family history and monitors him throughout, and screening catches problems early when they are most treatable. Being told it is "routine" or "nothing to worry about" makes him feel dismissed. Preparation: clear liquids only today, finish the prep drink tonight, nothing by mouth after midnight, arrive at 7 with a driver (his wife).',
      voice: 'awb',
    },
    traineeRole:
      'You are a nurse at the endoscopy clinic making the routine pre-procedure call. Make sure Robert understands the preparation and feels able to come in tomorrow. Use plain language and check his understanding with teach-back (ask him to explain it back in his own words).',
    objectives: [
      {
        id: 'elicit-concerns',
        description: 'Draw out and acknowledge his concerns.',
        successCriteria: ['Asks what worries him and acknowledges the fear without minimising it'],
      },
      {
        id: 'explain-simply',
        description: 'Explain the sedation and the purpose of screening in plain language.',
        successCriteria: [
          'Explains that the sedation team reviews his history and monitors him',
          'Explains that screening catches problems early',
        ],
      },
      {
        id: 'teach-back',
        description: 'Check understanding of the preparation with teach-back.',
        successCriteria: ['Gives the preparation steps and asks Robert to repeat them back in his own words'],
      },
    ],
    endCriteria: {
      maxDurationSec: 720,
      idleTimeoutSec: 120,
      maxTurns: 16,
      objectiveMet: 'Robert confirms he will attend and correctly repeats the preparation steps.',
      objectiveFailed: 'Robert decides to cancel because his concerns were dismissed or the trainee was rude.',
    },
    skills: ['empathy', 'clarity-structure', 'active-listening', 'de-escalation'],
    openingInstruction:
      'Open as Robert, hesitant and a little embarrassed: say you were about to call the clinic because you are thinking about cancelling tomorrow\'s procedure and you are not sure about all this.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hi, yes, this is Robert. Honestly, I was about to call you. I'm thinking about cancelling tomorrow's procedure, I'm just not sure about all this."],
          routes: [
            { intent: 'rude', keywords: [...RUDE, 'whatever you want', 'up to you'], next: 'cancelled' },
            {
              intent: 'minimises',
              keywords: ['overreacting', 'stop worrying', "don't be silly", 'nothing to worry about', 'no big deal', "it's routine", 'just routine', 'routine procedure', 'calm down', 'everybody does it', 'everyone does it'],
              next: 'minimised',
            },
            {
              intent: 'explores',
              keywords: ['what', "what's", 'worried', 'worries', 'worry', 'worrying', 'concern', 'concerns', 'concerned', 'tell me', 'why', 'understand', 'nervous', 'scared', 'anxious', 'feel', 'feeling', 'sorry', 'on your mind'],
              next: 'concerns',
            },
          ],
          fallback: [
            "I don't know, I just have a bad feeling about it.",
            "Maybe I should just put it off for a few months. What do you think?",
          ],
        },
        {
          id: 'concerns',
          say: ["Mostly the sedation. My brother had a bad reaction to anesthesia years ago. And to be honest, I'm scared of what they might find, my dad had colon cancer."],
          routes: [
            { intent: 'rude', keywords: [...RUDE, 'whatever you want', 'up to you'], next: 'cancelled' },
            {
              intent: 'minimises',
              keywords: ['overreacting', 'stop worrying', "don't be silly", 'nothing to worry about', 'no big deal', "it's routine", 'just routine', 'calm down'],
              next: 'minimised',
            },
            {
              intent: 'explains_sedation',
              keywords: ['sedation', 'sedative', 'medicine', 'anesthesia', 'anaesthesia', 'anesthetic', 'asleep', 'sleep', 'monitor', 'monitored', 'monitoring', 'safe', 'anesthesiologist', 'doctor', 'team', 'reaction', 'brother', 'history'],
              next: 'sedation_explained',
            },
            {
              intent: 'addresses_findings',
              keywords: ['early', 'catch', 'prevent', 'polyps', 'treat', 'treatable', 'remove', 'better to know', 'father', 'dad', 'cancer', 'screening', 'results'],
              next: 'findings_addressed',
            },
          ],
          fallback: [
            "Is it normal to feel like this?",
            'So what happens with the sedation, exactly?',
          ],
        },
        {
          id: 'sedation_explained',
          say: ["Okay, that helps, especially knowing they'll ask about my brother. But what if they find something?"],
          routes: [
            { intent: 'rude', keywords: [...RUDE, 'whatever you want'], next: 'cancelled' },
            {
              intent: 'minimises',
              keywords: ['overreacting', 'stop worrying', 'nothing to worry about', 'no big deal', 'just routine', 'calm down'],
              next: 'minimised',
            },
            {
              intent: 'addresses_findings',
              keywords: ['early', 'catch', 'prevent', 'polyps', 'treat', 'treatable', 'remove', 'better to know', 'most', 'common', 'results', 'talk', 'screening', 'father', 'dad', 'understandable', 'makes sense'],
              next: 'reassured',
            },
          ],
          fallback: [
            "I keep thinking about my dad.",
            'Is it better to just not know?',
          ],
        },
        {
          id: 'findings_addressed',
          say: ["I know, I know, it's better to catch things early. I just keep thinking about my dad. What about the sedation, though?"],
          routes: [
            { intent: 'rude', keywords: [...RUDE, 'whatever you want'], next: 'cancelled' },
            {
              intent: 'minimises',
              keywords: ['overreacting', 'stop worrying', 'nothing to worry about', 'no big deal', 'just routine', 'calm down'],
              next: 'minimised',
            },
            {
              intent: 'explains_sedation',
              keywords: ['sedation', 'sedative', 'medicine', 'anesthesia', 'anaesthesia', 'anesthetic', 'asleep', 'sleep', 'monitor', 'monitored', 'monitoring', 'safe', 'anesthesiologist', 'doctor', 'team', 'reaction', 'brother', 'history'],
              next: 'reassured',
            },
          ],
          fallback: [
            'My brother was sick for a day after his operation.',
            'Will they know about my family history?',
          ],
        },
        {
          id: 'reassured',
          say: ["Okay, I feel a lot better about it, actually. So what do I need to do tonight again? I've lost the leaflet."],
          routes: [
            { intent: 'rude', keywords: [...RUDE, 'whatever you want'], next: 'cancelled' },
            {
              intent: 'gives_prep',
              keywords: ['drink', 'prep', 'preparation', 'solution', 'clear liquids', 'liquids', 'fluids', 'fast', 'fasting', 'nothing to eat', 'eat', 'midnight', 'driver', 'ride', 'drive', 'arrive', 'seven'],
              next: 'prep_given',
            },
          ],
          fallback: [
            'Is it just no food, or something else too?',
            'I know there was a drink involved. What else?',
          ],
        },
        {
          id: 'prep_given',
          say: ["Okay, that's a lot to remember, but I think I've got it."],
          routes: [
            { intent: 'rude', keywords: [...RUDE, 'whatever you want'], next: 'cancelled' },
            {
              intent: 'teach_back',
              keywords: ['repeat', 'repeat back', 'tell me back', 'in your own words', 'walk me through', 'go over', 'summarize', 'summarise', 'what will you', 'what are you going to', 'remind me', 'say it back', 'explain back', 'can you tell me'],
              next: 'teach_back',
            },
          ],
          fallback: [
            "I'll probably be fine. Is there anything else?",
            'I hope I remember it all tonight.',
          ],
        },
        {
          id: 'teach_back',
          say: ["Sure. Clear liquids only today, finish the prep drink tonight, nothing after midnight, and my wife drives me in for seven. Did I get that right?"],
          routes: [
            { intent: 'rude', keywords: [...RUDE, 'whatever you want'], next: 'cancelled' },
            {
              intent: 'confirms',
              keywords: ['yes', 'right', 'exactly', 'correct', 'perfect', "that's it", 'good', 'well done', 'great', 'spot on'],
              next: 'will_attend',
            },
          ],
          fallback: [
            'Did I miss anything?',
            'Is that everything?',
          ],
        },
        {
          id: 'minimised',
          say: ["That's easy for you to say, you do this every day. It's not routine for me."],
          routes: [
            {
              intent: 'dismisses_again',
              keywords: [...RUDE, 'overreacting', 'stop worrying', "don't be silly", 'nothing to worry about', 'no big deal', "it's routine", 'just routine', 'calm down', 'whatever you want', 'up to you'],
              next: 'cancelled',
            },
            {
              intent: 'recovers',
              keywords: ['sorry', "you're right", 'you are right', 'understand', 'fair', 'tell me', 'what worries', 'worried', 'worries', 'concerns', 'scared', 'nervous', 'of course', 'makes sense'],
              next: 'concerns',
            },
          ],
          fallback: [
            "I'm not sure you're hearing me.",
            'Maybe I should just cancel.',
          ],
        },
        {
          id: 'will_attend',
          say: ["Okay, I'll be there tomorrow morning. Thank you for taking the time, I feel much calmer now."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'cancelled',
          say: ["I think I'll just cancel and deal with it another time. Goodbye."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
  {
    id: 'healthcare-medication-adherence',
    title: 'A patient who stopped her blood pressure pills',
    summary:
      'A patient quietly stopped her blood pressure medication because of a side effect. Find out why without judging, share the risks with respect for her choices, and agree a plan she will actually follow.',
    category: 'healthcare',
    difficulty: 'advanced',
    language: 'en-US',
    tags: ['motivational interviewing', 'medication adherence', 'patient communication', 'chronic care'],
    persona: {
      name: 'Gloria Mendes',
      role: 'Patient, 64, with high blood pressure',
      background:
        'Gloria has high blood pressure and type 2 diabetes. Three weeks ago she stopped taking lisinopril because it gave her a dry cough that kept her awake, and because she feels fine without it. She did not tell her doctor because she did not want to bother anyone and hates feeling like a patient. She is proud and independent: lecturing, scare tactics and words like "non-compliant" make her dig in. She opens up to open questions and empathy, and would try a different medication (such as losartan, which does not cause the cough) if it is offered as her choice. Her pharmacy can check her blood pressure for free.',
      voice: 'slt',
    },
    traineeRole:
      'You are a clinic nurse calling Gloria because the pharmacy flagged that she has not refilled her blood pressure prescription. Use a motivational interviewing approach: open questions, reflection, asking permission before giving information, and a plan she chooses.',
    objectives: [
      {
        id: 'explore-without-judgement',
        description: 'Find out why she stopped, without judging.',
        successCriteria: ['Uses open questions and learns about the cough and that she feels fine', 'Does not lecture or blame'],
      },
      {
        id: 'share-risk-respectfully',
        description: 'Share the risk respectfully.',
        successCriteria: ['Asks permission or respects her choice while explaining that high blood pressure often has no symptoms'],
      },
      {
        id: 'agree-plan',
        description: 'Agree a plan she chooses.',
        successCriteria: ['Offers an alternative such as a different medication', 'Agrees a concrete next step such as booking an appointment or checking her blood pressure'],
      },
    ],
    endCriteria: {
      maxDurationSec: 900,
      idleTimeoutSec: 120,
      maxTurns: 16,
      objectiveMet: 'Gloria agrees to a concrete plan, such as an appointment to discuss a different medication and blood pressure checks.',
      objectiveFailed: 'Gloria ends the call because she feels lectured, scolded or dismissed.',
    },
    skills: ['empathy', 'discovery-questioning', 'active-listening', 'clarity-structure'],
    openingInstruction:
      'Open as Gloria, polite but a little guarded: say the pharmacy told you the clinic wanted to talk about your prescriptions, and insist you are doing fine.',
    script: {
      start: 'start',
      nodes: [
        {
          id: 'start',
          say: ["Hello, this is Gloria. The pharmacy said you wanted to talk to me about my prescriptions? I'm doing fine, really."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'ended' },
            {
              intent: 'lectures',
              keywords: ['you have to', 'you must', 'irresponsible', 'noncompliant', 'non compliant', 'non-compliant', 'should have', 'why would you', 'not allowed', 'dangerous', 'you could die'],
              next: 'lectured',
            },
            {
              intent: 'opens_gently',
              keywords: ['how', 'how are you', 'how have you been', 'tell me', 'noticed', 'refill', 'refills', 'pills', 'medication', 'medications', 'medicine', 'blood pressure', 'taking', 'been taking', 'going', 'check in', 'checking in', 'wondering'],
              next: 'admits',
            },
          ],
          fallback: [
            "Is there a problem with my prescriptions?",
            "Like I said, I'm feeling fine. What did you want to know?",
          ],
        },
        {
          id: 'admits',
          say: ["Well, I might as well tell you. I stopped the blood pressure pills about three weeks ago, because they gave me a dry cough that kept me up at night, and honestly, I feel fine without them."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'ended' },
            {
              intent: 'lectures',
              keywords: ['you have to', 'you must', 'irresponsible', 'noncompliant', 'non compliant', 'non-compliant', 'should have', 'why would you', 'not allowed', 'dangerous', 'you could die'],
              next: 'lectured',
            },
            {
              intent: 'empathises',
              keywords: ['cough', 'sleep', 'sorry', 'sounds', 'miserable', 'awful', 'understand', 'makes sense', 'frustrating', 'thank you for telling', 'glad you told', 'tell me more', 'what else', 'anything else', 'side effect', 'side effects', 'up at night'],
              next: 'reasons',
            },
          ],
          fallback: [
            "It's not like I feel any different.",
            "I didn't think it was a big deal to stop.",
          ],
        },
        {
          id: 'reasons',
          say: ["Yes, it was awful. And I didn't want to bother the doctor. I'm already taking so many pills, and I hate feeling like a patient."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'ended' },
            {
              intent: 'lectures',
              keywords: ['you have to', 'you must', 'irresponsible', 'noncompliant', 'non compliant', 'non-compliant', 'should have', 'not allowed', 'you could die'],
              next: 'lectured',
            },
            {
              intent: 'shares_risk_respectfully',
              keywords: ['risk', 'stroke', 'heart', 'kidney', 'kidneys', 'silent', 'no symptoms', 'feel fine', 'even when', 'what do you know', 'would it be okay', 'may i share', 'can i share', 'your choice', 'your decision', 'options', 'would you like to know', 'can i tell you'],
              next: 'risk',
            },
          ],
          fallback: [
            "Do you really think it matters that much if I feel fine?",
            "I just don't want to go back to coughing all night.",
          ],
        },
        {
          id: 'risk',
          say: ["Hmm. I didn't know high blood pressure often has no symptoms at all. But I'm not going back to that cough."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'ended' },
            {
              intent: 'lectures',
              keywords: ['you have to', 'you must', 'irresponsible', 'noncompliant', 'non compliant', 'non-compliant', 'not allowed', 'you could die'],
              next: 'lectured',
            },
            {
              intent: 'offers_alternative',
              keywords: ['switch', 'different', 'another', 'alternative', 'other medication', 'other medicine', 'other pill', 'doctor', 'appointment', 'change', 'losartan', 'replace', 'options'],
              next: 'plan',
            },
          ],
          fallback: [
            'Is there any other way?',
            "So what am I supposed to do, then?",
          ],
        },
        {
          id: 'plan',
          say: ["A different pill without the cough? I'd be willing to try that. What would I need to do?"],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'ended' },
            {
              intent: 'agrees_next_step',
              keywords: ['appointment', 'book', 'schedule', 'tomorrow', 'this week', 'monday', 'call', 'message', 'monitor', 'check your blood pressure', 'readings', 'at home', 'cuff', 'log', 'pharmacy', 'write down', 'next week', 'follow up'],
              next: 'agreed',
            },
          ],
          fallback: [
            'Do I need to see the doctor for that?',
            'And what should I do in the meantime?',
          ],
        },
        {
          id: 'lectured',
          say: ["I'm sixty-four years old, I don't need a lecture. It's my body."],
          routes: [
            {
              intent: 'lectures_again',
              keywords: [...RUDE, 'you have to', 'you must', 'irresponsible', 'noncompliant', 'non compliant', 'non-compliant', 'should have', 'not allowed', 'you could die', 'dangerous'],
              next: 'ended',
            },
            {
              intent: 'repairs',
              keywords: ['sorry', "you're right", 'you are right', 'your body', 'your decision', 'your choice', 'fair', 'understand', "didn't mean", 'did not mean', 'tell me', 'what happened', 'respect'],
              next: 'softened',
            },
          ],
          fallback: [
            'Is that all you called to say?',
            "I've been managing my own health for a long time.",
          ],
        },
        {
          id: 'softened',
          say: ["Okay. Sorry, I get defensive. The truth is I stopped the blood pressure pills because of a horrible dry cough, and I feel fine anyway."],
          routes: [
            { intent: 'rude', keywords: RUDE, next: 'ended' },
            {
              intent: 'lectures_again',
              keywords: ['you have to', 'you must', 'irresponsible', 'noncompliant', 'non compliant', 'non-compliant', 'should have', 'not allowed', 'you could die'],
              next: 'ended',
            },
            {
              intent: 'empathises',
              keywords: ['cough', 'sleep', 'sorry', 'sounds', 'miserable', 'awful', 'understand', 'makes sense', 'frustrating', 'thank you for telling', 'glad you told', 'tell me more', 'what else', 'anything else', 'side effect', 'side effects'],
              next: 'reasons',
            },
          ],
          fallback: [
            'It really was keeping me up.',
            "I just didn't see the point if I feel fine.",
          ],
        },
        {
          id: 'agreed',
          say: ["All right, I'll call the office tomorrow, and I'll check my pressure at the pharmacy in the meantime. Thank you for not scolding me."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_met',
        },
        {
          id: 'ended',
          say: ["I think I'm done with this call. I'll talk to my own doctor when I'm ready. Goodbye."],
          routes: [],
          fallback: GOODBYE,
          outcome: 'objective_failed',
        },
      ],
    },
  },
];
