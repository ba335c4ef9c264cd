import { ScenarioCategory, ScenarioContentSchema, SkillSchema, type Script } from '@parley/contracts';
import { promptTemplates, scenarios, skills } from './index';

/** Voices the offline synthesiser (Flite) ships with. */
const FLITE_VOICES = ['slt', 'rms', 'awb', 'kal16'];

/**
 * A reference implementation of the offline roleplayer's matching rule (see ScriptSchema): the first route with a
 * keyword contained in the utterance, case-insensitively and as whole words, wins; otherwise the node stays put.
 */
const normalise = (text: string): string =>
  ` ${text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^a-z0-9']+/g, ' ')
    .trim()} `;

function nextNode(script: Script, nodeId: string, utterance: string): string {
  const node = script.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`no node ${nodeId}`);
  const heard = normalise(utterance);
  const route = node.routes.find((r) => r.keywords.some((k) => heard.includes(normalise(k))));
  return route ? route.next : nodeId;
}

function play(scenarioId: string, utterances: string[]): { path: string[]; outcome: string | undefined } {
  const script = scenarios.find((s) => s.id === scenarioId)?.script;
  if (!script) throw new Error(`no script for ${scenarioId}`);
  const path = [script.start];
  for (const utterance of utterances) {
    const current = path[path.length - 1];
    if (script.nodes.find((n) => n.id === current)?.outcome) break;
    path.push(nextNode(script, current, utterance));
  }
  const last = script.nodes.find((n) => n.id === path[path.length - 1]);
  return { path, outcome: last?.outcome };
}

/** What a reasonably good trainee might say, one utterance per turn. */
const GOOD_RUNS: Record<string, string[]> = {
  'sales-discovery-call': [
    'Thanks for making time, Dana. Could you walk me through how you plan your routes today?',
    "Two hours every morning is a lot. What impact does that have on overtime and on your customers?",
    'That sounds painful. Who else would be involved in a decision like this, and is there a timeline?',
    'Would it make sense to book a demo with Luis next week?',
  ],
  'sales-price-objection': [
    'I appreciate you being upfront. Can you help me understand what is behind the comparison, apart from the price?',
    'That makes sense. Last year our reminders cut your no-shows by eighteen percent, which is real revenue for your clinics.',
    "MedSlot doesn't do insurance verification, and switching twelve clinics means retraining all your staff.",
    'If you commit to a two-year renewal, I can offer ten percent off and free training for your clinic managers.',
  ],
  'support-late-delivery': [
    "I'm so sorry, Rachel. Three calls is unacceptable, and I understand how frustrating that is.",
    'Let me look up your order right now.',
    "Unfortunately it looks like the parcel was lost, so I'd like to send you a new desk with express shipping.",
    "Shipping is completely free, I'll refund the original fee and add a fifty dollar credit, and it will arrive on Thursday.",
    "I'll email you the tracking number today and call you personally on Thursday to confirm.",
  ],
  'support-double-charge': [
    "I'm sorry about that, I can help. What's the email address on your account?",
    "Yes, I can see the duplicate charge, and I've refunded the second one.",
    'It should be back in your account in three to five business days.',
  ],
  'support-wifi-troubleshooting': [
    "Don't worry, we'll fix it together. Is it just the laptop, or other devices too?",
    'Please unplug the box from the wall, wait thirty seconds, and plug it back in.',
    "Great. Now let's wait a couple of minutes until the light turns green.",
    "If it happens again, just unplug the box for thirty seconds, and if that doesn't work, call us.",
  ],
  'support-cancellation-retention': [
    'I can help with that. May I ask what made you decide to cancel?',
    'Since you only use invoicing, we have a Starter plan for twenty dollars a month.',
    'Yes, you keep everything. All your customers and invoices stay exactly the same.',
    'Absolutely, I can switch you today and send a confirmation email.',
  ],
  'mgmt-underperformance-feedback': [
    'Thanks for coming in, Chris. I wanted to talk about the last two sprint deadlines that slipped.',
    "That's fair, the requirements did change. Is anything else going on? I'd like to understand.",
    "I'm so sorry to hear that. Let's adjust your workload and look at flexible hours.",
    "Let's focus on the payments work first and check in every Friday.",
  ],
  'mgmt-burnout-checkin': [
    "No problem. Before we get to the launch, how are you doing? I've noticed a lot of late nights.",
    "Honestly, I've seen messages from you at midnight, and I'm a bit worried.",
    "That sounds really hard, thank you for telling me. What's taking most of your time?",
    "Let's move the mobile design reviews to someone else and push the rebrand back two weeks.",
    "Let's check in every Friday, and if anyone asks you for more, send them to me.",
  ],
  'mgmt-delegate-task': [
    "I'd like you to take over the monthly sales report.",
    'It goes to the vice president of sales, with revenue by region, charts and a one page summary.',
    "It's due Thursday at noon, and you can start from last month's template in the shared drive.",
    'Just message me any time, and send me a draft on Wednesday so I can review it.',
  ],
  'interview-behavioral': [
    "I've spent four years coordinating projects in a hospital team, and I'm really interested in your clinic rollout.",
    'In my last role a colleague and I disagreed about a deadline, so I sat down with her and we talked it through.',
    'As a result we delivered the project on time and cut rework by twenty percent.',
    "I'm working on delegating more, and I'm taking a course on it.",
    'Yes, what does success look like in the first ninety days?',
  ],
  'interview-phone-screen': [
    'Yes, now is a great time, thanks for calling.',
    "I've worked for three years as a cashier in a grocery store, helping customers every day.",
    "I'm available on weekdays and weekends, and I could start in two weeks.",
    "I'm looking for around eighteen dollars an hour.",
    'What are the next steps?',
  ],
  'negotiation-job-offer': [
    "Thank you so much, I'm really excited about the role. Based on my research I was hoping for something closer to eighty.",
    "Market data for similar roles in this city, plus my SQL and Python experience, and I'm also interviewing with another company.",
    'Seventy-six is a good step. Is there any flexibility on a signing bonus or extra vacation?',
    "I'd prefer the signing bonus.",
    "No, that's all. Please send it over in writing, I'm excited to join.",
  ],
  'negotiation-supplier-renewal': [
    'I understand costs are up. Can you break down which categories are behind the twelve percent?',
    'We also had three late deliveries last quarter, and I have a quote from another supplier.',
    'If we commit to a two-year contract for all twelve locations, we need the increase at five percent.',
    'And we need a credit for any delivery that arrives late.',
    'So to confirm: five percent, two years, all twelve locations, and credits for late deliveries. Please send the contract.',
  ],
  'language-hotel-checkin': [
    'Yes, I have a reservation.',
    'My name is Maria Lopez.',
    'Here you are.',
    'Could I have a quiet room, please?',
    'What time is breakfast?',
  ],
  'language-restaurant-order': [
    'I would like a glass of sparkling water, please.',
    'What do you recommend?',
    "I'm allergic to nuts. Does the pesto have nuts?",
    "Yes, I'll have the salmon, please.",
    "No, that's all, thank you.",
  ],
  'healthcare-anxious-patient': [
    "I'm glad you picked up, Robert. What's worrying you about tomorrow?",
    "That's completely understandable. The sedation team will review your brother's reaction and monitor you the whole time.",
    "Screening is how we catch things early, when they're most treatable.",
    'Tonight, finish the prep drink, have clear liquids only, and nothing after midnight. Your wife should drive you in at seven.',
    'Can you tell me back in your own words what you will do tonight?',
    "Yes, that's exactly right.",
  ],
  'healthcare-medication-adherence': [
    "Hi Gloria, thanks for picking up. I noticed you haven't refilled your blood pressure medication. How have you been getting on with it?",
    "That cough sounds miserable. I'm glad you told me.",
    'Would it be okay if I shared something about blood pressure? It often has no symptoms even when you feel fine.',
    "There are other medications that don't cause the cough. Would you like to switch to a different one?",
    'I can book you an appointment with the doctor this week, and the pharmacy can check your blood pressure.',
  ],
};

/** What a trainee who gets it wrong might say; `id#label` keys add further runs for the same scenario. */
const BAD_RUNS: Record<string, string[]> = {
  'sales-discovery-call': ['Let me tell you about our features and pricing.', 'We have a great discount on pricing this month.'],
  'sales-price-objection': ['Okay, we can match that.', 'Fine, thirty six it is.'],
  'support-late-delivery': ['Please calm down.', "I'm afraid it's company policy."],
  'support-double-charge': ['Can you read me your full card number and the security code?'],
  'support-wifi-troubleshooting': ['Well, not my problem, you should ask someone else.'],
  'support-cancellation-retention': ["Are you sure? You'll lose all your data.", 'You should really reconsider.'],
  'support-cancellation-retention#no-discovery': ['Sure, I can cancel that for you.', "Done, it's cancelled."],
  'mgmt-underperformance-feedback': ["Honestly, you've been lazy.", "You always do this, it's not good enough."],
  'mgmt-burnout-checkin': ['Everyone is busy, you need to toughen up.'],
  'mgmt-delegate-task': ["Just figure it out, I'm busy."],
  'interview-behavioral': ['I just need a job, to be honest.'],
  'interview-phone-screen': ["Yeah whatever, I don't care."],
  'negotiation-job-offer': ['Yes, I accept!'],
  'negotiation-supplier-renewal': ['Twelve percent is fine.'],
  'healthcare-anxious-patient': ["It's a routine procedure, you're overreacting.", "Calm down, it's no big deal."],
  'healthcare-medication-adherence': ["You must take your medication, it's irresponsible to stop.", 'You have to take it, you could die.'],
};

describe('seed skills', () => {
  it('has at least 8 valid skills with unique ids', () => {
    expect(skills.length).toBeGreaterThanOrEqual(8);
    for (const skill of skills) expect(SkillSchema.safeParse(skill).error).toBeUndefined();
    expect(new Set(skills.map((s) => s.id)).size).toBe(skills.length);
  });

  it('gives every skill a rubric for each rating 1..5', () => {
    for (const skill of skills) {
      expect(Object.keys(skill.rubric).sort()).toEqual(['1', '2', '3', '4', '5']);
      for (const line of Object.values(skill.rubric)) expect(line?.trim().length).toBeGreaterThan(20);
    }
  });
});

describe('seed prompt templates', () => {
  it('ships exactly the four templates of the spec', () => {
    expect(promptTemplates.map((t) => t.id).sort()).toEqual(['customer-service', 'general-assistant', 'language-teacher', 'tech-support']);
    for (const t of promptTemplates) {
      expect(t.name.trim()).not.toBe('');
      expect(t.description.trim()).not.toBe('');
      expect(t.systemPrompt.length).toBeGreaterThan(200);
    }
  });
});

describe('seed scenarios', () => {
  const skillIds = new Set(skills.map((s) => s.id));

  it('has at least 12 scenarios with unique slug ids across at least 4 categories', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
    for (const s of scenarios) expect(s.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    const categories = new Set(scenarios.map((s) => s.category));
    expect(categories.size).toBeGreaterThanOrEqual(4);
    for (const c of categories) expect(ScenarioCategory.options).toContain(c);
    expect(new Set(scenarios.map((s) => s.difficulty)).size).toBe(3);
  });

  describe.each(scenarios.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    it('is complete, publishable content', () => {
      const parsed = ScenarioContentSchema.safeParse(scenario);
      expect(parsed.error?.issues).toBeUndefined();
      expect(scenario.script).toBeDefined();
      expect(scenario.objectives.length).toBeGreaterThanOrEqual(2);
      expect(FLITE_VOICES).toContain(scenario.persona.voice);
      const { maxDurationSec, idleTimeoutSec, maxTurns } = scenario.endCriteria;
      expect(maxDurationSec).toBeGreaterThanOrEqual(300);
      expect(maxDurationSec).toBeLessThanOrEqual(900);
      expect(idleTimeoutSec).toBeGreaterThanOrEqual(60);
      expect(idleTimeoutSec).toBeLessThanOrEqual(120);
      expect(maxTurns).toBeGreaterThanOrEqual(8);
      expect(maxTurns).toBeLessThanOrEqual(20);
      expect(new Set(scenario.objectives.map((o) => o.id)).size).toBe(scenario.objectives.length);
    });

    it('assesses only skills that exist', () => {
      for (const id of scenario.skills) expect(skillIds).toContain(id);
    });

    it('has a script whose every node is reachable and which can be won', () => {
      const script = scenario.script as Script;
      expect(script.nodes.length).toBeGreaterThanOrEqual(5);
      const byId = new Map(script.nodes.map((n) => [n.id, n]));
      const seen = new Set([script.start]);
      const queue = [script.start];
      while (queue.length) {
        for (const route of byId.get(queue.shift() as string)?.routes ?? []) {
          if (!seen.has(route.next)) {
            seen.add(route.next);
            queue.push(route.next);
          }
        }
      }
      expect(script.nodes.map((n) => n.id).filter((id) => !seen.has(id))).toEqual([]);
      expect(script.nodes.some((n) => n.outcome === 'objective_met')).toBe(true);
      expect(byId.get(script.start)?.outcome).toBeUndefined();
    });

    it('has nodes that either end the session or lead on, with nudging fallbacks', () => {
      for (const node of (scenario.script as Script).nodes) {
        if (node.outcome) {
          expect(node.routes).toEqual([]);
        } else {
          expect(node.routes.length).toBeGreaterThanOrEqual(1);
          expect(node.fallback.length).toBeGreaterThanOrEqual(2);
        }
      }
    });

    it('uses keywords a transcript can contain', () => {
      for (const node of (scenario.script as Script).nodes) {
        for (const route of node.routes) {
          expect(route.keywords.length).toBeGreaterThanOrEqual(1);
          for (const keyword of route.keywords) expect(keyword).toMatch(/^[a-z0-9][a-z0-9' -]*$/);
        }
      }
    });

    it('has persona lines that can be spoken: plain text, one to three sentences', () => {
      for (const node of (scenario.script as Script).nodes) {
        for (const line of [...node.say, ...node.fallback]) {
          expect(line).not.toMatch(/[*_#`~<>[\]{}|\\]|\p{Extended_Pictographic}/u);
          const sentences = line.split(/[.!?]+(?=\s|$)/).filter((s) => s.trim().length > 0);
          expect(sentences.length).toBeGreaterThanOrEqual(1);
          expect(sentences.length).toBeLessThanOrEqual(3);
        }
      }
    });

    it('reaches objective_met for a good trainee', () => {
      const run = GOOD_RUNS[scenario.id];
      expect(run).toBeDefined();
      const { path, outcome } = play(scenario.id, run);
      expect({ path, outcome }).toEqual({ path, outcome: 'objective_met' });
      expect(path.length - 1).toBeLessThanOrEqual(scenario.endCriteria.maxTurns);
    });

    const canFail = (scenario.script as Script).nodes.some((n) => n.outcome === 'objective_failed');
    if (canFail) {
      it('reaches objective_failed for a trainee who gets it wrong', () => {
        const badRuns = Object.entries(BAD_RUNS).filter(([key]) => key.split('#')[0] === scenario.id);
        expect(badRuns.length).toBeGreaterThanOrEqual(1);
        for (const [, run] of badRuns) {
          const { path, outcome } = play(scenario.id, run);
          expect({ path, outcome }).toEqual({ path, outcome: 'objective_failed' });
        }
      });
    }
  });
});
