import { Inject, Injectable } from '@nestjs/common';
import { AppError, ScenarioContentSchema, type Caller, type ScenarioContent } from '@parley/contracts';
import { PRISMA, scenarioColumns, type PrismaClient } from '@parley/db';
import { randomUUID } from 'node:crypto';

/** Skills every conversation shows, whatever its subject: free practice is evaluated on these. */
export const GENERAL_COMMUNICATION_SKILLS = ['active-listening', 'clarity-structure', 'professional-tone'];

const DEFAULT_END_CRITERIA: ScenarioContent['endCriteria'] = {
  maxDurationSec: 15 * 60,
  idleTimeoutSec: 3 * 60,
  maxTurns: 30,
  objectiveMet: 'The trainee has held a natural, purposeful conversation of several exchanges and closed it well.',
  objectiveFailed: 'The trainee became abusive or abandoned the conversation.',
};

/** What the offline roleplayer says for each built-in template: generic lines, labelled offline in the UI. */
const OFFLINE_LINES: Record<string, { opening: string; fallback: string[] }> = {
  'customer-service': {
    opening: 'Hi, thanks for contacting Northwind support, this is Jordan. How can I help you today?',
    fallback: [
      'I understand. Could you give me your order number so I can look into it?',
      'Thanks for explaining. Here is what I can do: I can arrange a refund or a replacement. Which would you prefer?',
      'I am sorry about the trouble. Is there anything else I can help you with today?',
    ],
  },
  'language-teacher': {
    opening: "Hello! I'm Ms. Rivera, your conversation teacher. What's your name, and what would you like to talk about today?",
    fallback: [
      'Very nice! Can you tell me a little more about that?',
      'Good sentence! What did you do after that?',
      'Interesting. How do you feel about it?',
    ],
  },
  'tech-support': {
    opening: 'Hello, this is tech support. What seems to be the problem with your device today?',
    fallback: [
      'Okay. When did the problem start, and did anything change just before?',
      'Let us try something: please restart the device and tell me what you see.',
      'Thanks. Does the problem still happen after that?',
    ],
  },
};
const GENERIC_LINES = {
  opening: 'Hello! I am ready when you are. What would you like to talk about?',
  fallback: ['I see. Can you tell me more about that?', 'Go on, I am listening.', 'What would you suggest, then?'],
};

/**
 * Free practice (SPEC §8): a session from a prompt template or a trainee's own system prompt. It becomes a private,
 * published scenario of the trainee's with default end criteria and the general communication skills, so every
 * other part of Parley (timers, objective check, evaluation, history) treats it like any scenario.
 */
@Injectable()
export class FreePracticeService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Creates the private scenario and returns its id. The custom prompt is stored, never logged. */
  async scenarioFor(caller: Caller, source: { templateId?: string; systemPrompt?: string }): Promise<string> {
    let name = 'your own prompt';
    let systemPrompt = source.systemPrompt;
    let lines = GENERIC_LINES;
    if (source.templateId) {
      const template = await this.prisma.promptTemplate.findFirst({
        where: { id: source.templateId, OR: [{ ownerId: null }, { ownerId: caller.userId }] },
      });
      if (!template) throw new AppError('not_found', 'No such prompt template');
      name = template.name;
      systemPrompt = template.systemPrompt;
      lines = OFFLINE_LINES[template.id] ?? GENERIC_LINES;
    }
    const content: ScenarioContent = ScenarioContentSchema.parse({
      title: `Free practice: ${name}`,
      summary: `An open conversation with ${name}, without a scripted scenario.`,
      category: 'language',
      difficulty: 'intermediate',
      language: 'en-US',
      tags: ['free-practice'],
      persona: { name: source.templateId ? name : 'Practice partner', role: name, background: 'Plays the part the prompt describes.', voice: 'slt' },
      traineeRole: 'Yourself: talk about whatever you want to practise.',
      objectives: [
        {
          id: 'conversation',
          description: 'Hold a natural conversation of several exchanges',
          successCriteria: ['Answers and asks questions', 'Keeps the conversation going', 'Closes politely'],
        },
      ],
      endCriteria: DEFAULT_END_CRITERIA,
      skills: GENERAL_COMMUNICATION_SKILLS,
      openingInstruction: 'Greet the other person and invite them to start.',
      systemPrompt,
      script: {
        start: 'talk',
        nodes: [
          { id: 'talk', say: [lines.opening], routes: [{ intent: 'goodbye', keywords: ['goodbye', 'bye'], next: 'close' }], fallback: lines.fallback },
          { id: 'close', say: ['Thank you, it was nice talking with you. Goodbye!'], routes: [], fallback: ['Goodbye!'], outcome: 'objective_met' },
        ],
      },
    });
    const id = `free-${randomUUID()}`;
    await this.prisma.scenario.create({
      data: {
        id,
        status: 'published',
        currentVersion: 1,
        publishedVersion: 1,
        authorId: caller.userId,
        freePractice: true,
        ...scenarioColumns(content),
        versions: { create: { version: 1, content: content as object, publishedAt: new Date() } },
      },
    });
    return id;
  }
}
