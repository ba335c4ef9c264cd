import { Inject, Injectable } from '@nestjs/common';
import { overallScore, type Caller, type ProgressView, type ScenarioProgress, type SkillProgress } from '@parley/contracts';
import { PRISMA, type PrismaClient } from '@parley/db';

type StoredRating = { skillId: string; skillName?: string; rating: number };

/**
 * A trainee's progress (issue 13): per skill, the rating of every evaluated practice over time; per scenario, how
 * often it was practised and the best and latest overall score. Read from the sessions and their evaluations.
 */
@Injectable()
export class ProgressService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async progress(caller: Caller): Promise<ProgressView> {
    const sessions = await this.prisma.practiceSession.findMany({
      where: { userId: caller.userId, status: { in: ['ended', 'failed'] } },
      orderBy: { endedAt: 'asc' },
      select: {
        id: true,
        scenarioId: true,
        startedAt: true,
        endedAt: true,
        scenario: { select: { title: true } },
        evaluation: { select: { status: true, ratings: true } },
      },
    });
    const skills = new Map<string, SkillProgress>();
    const scenarios = new Map<string, ScenarioProgress>();
    let evaluated = 0;
    let practiceMs = 0;
    for (const session of sessions) {
      const at = (session.endedAt ?? session.startedAt ?? new Date()).toISOString();
      if (session.startedAt && session.endedAt) practiceMs += session.endedAt.getTime() - session.startedAt.getTime();
      const scenario = scenarios.get(session.scenarioId) ?? {
        scenarioId: session.scenarioId,
        title: session.scenario.title ?? session.scenarioId,
        practices: 0,
        bestScore: null,
        latestScore: null,
        lastPracticedAt: null,
      };
      scenario.practices += 1;
      scenario.lastPracticedAt = at;
      scenarios.set(session.scenarioId, scenario);

      const ratings = session.evaluation?.status === 'succeeded' ? ((session.evaluation.ratings as StoredRating[] | null) ?? []) : [];
      const score = overallScore(ratings);
      if (score === null) continue;
      evaluated += 1;
      scenario.latestScore = score;
      scenario.bestScore = Math.max(scenario.bestScore ?? score, score);
      for (const rating of ratings) {
        const skill = skills.get(rating.skillId) ?? {
          skillId: rating.skillId,
          skillName: rating.skillName ?? rating.skillId,
          points: [],
          latest: rating.rating,
          best: rating.rating,
          change: 0,
        };
        skill.points.push({ sessionId: session.id, at, rating: rating.rating });
        skill.latest = rating.rating;
        skill.best = Math.max(skill.best, rating.rating);
        skill.change = rating.rating - skill.points[0]!.rating;
        skills.set(rating.skillId, skill);
      }
    }
    return {
      skills: [...skills.values()].sort((a, b) => a.skillName.localeCompare(b.skillName)),
      scenarios: [...scenarios.values()].sort((a, b) => (b.lastPracticedAt ?? '').localeCompare(a.lastPracticedAt ?? '')),
      totals: { practices: sessions.length, evaluated, practiceMinutes: Math.round(practiceMs / 60_000) },
    };
  }
}
