import { ScenarioContentSchema, type ScenarioContent } from '@parley/contracts';

/** A small complete scenario with a branching script, validated by the real schema. */
export const refundScenario: ScenarioContent = ScenarioContentSchema.parse({
  title: 'Refund request',
  summary: 'A customer wants a refund for a late delivery.',
  category: 'customer_support',
  difficulty: 'beginner',
  language: 'en-US',
  persona: { name: 'Dana', role: 'an annoyed customer', background: 'Ordered a lamp that arrived two weeks late.', voice: 'rms' },
  traineeRole: 'A support agent at the lamp shop.',
  objectives: [{ id: 'calm', description: 'Calm the customer and offer a fair remedy', successCriteria: ['Apologises', 'Offers a refund or voucher'] }],
  endCriteria: {
    maxDurationSec: 300,
    idleTimeoutSec: 60,
    maxTurns: 10,
    objectiveMet: 'The customer accepts a remedy.',
    objectiveFailed: 'The customer asks for a manager.',
  },
  skills: ['empathy'],
  openingInstruction: 'Complain that the lamp arrived two weeks late.',
  script: {
    start: 'complain',
    nodes: [
      {
        id: 'complain',
        say: ['My lamp arrived two weeks late. What are you going to do about it?'],
        routes: [
          { intent: 'apology', keywords: ['sorry', 'apologise', 'apologize'], next: 'listening' },
          { intent: 'dismiss', keywords: ['not our problem', 'policy'], next: 'manager' },
        ],
        fallback: ['Are you even listening to me?', 'I want an answer.'],
      },
      {
        id: 'listening',
        say: ['Well, thank you for saying that. So what can you offer me?'],
        routes: [{ intent: 'remedy', keywords: ['refund', 'voucher', 'money back'], next: 'accepted' }],
        fallback: ['That does not really help me.'],
      },
      { id: 'accepted', say: ['A refund works for me. Thank you!'], routes: [], fallback: ['Thanks again.'], outcome: 'objective_met' },
      { id: 'manager', say: ['Then I want to talk to your manager.'], routes: [], fallback: ['Manager, now.'], outcome: 'objective_failed' },
    ],
  },
});
