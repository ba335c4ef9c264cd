import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UploadedFile, UseInterceptors, UsePipes } from '@nestjs/common';
import { Bus } from '@parley/bus';
import {
  AppError,
  Commands,
  type EvaluationView,
  type LatencyStats,
  type SessionDetail,
  MAX_TURN_AUDIO_BYTES,
  type Caller,
  type SessionCommands,
  type SessionState,
  type SessionView,
  type TurnAck,
} from '@parley/contracts';
import { addLogFields } from '@parley/observability';
import { CurrentCaller } from '../auth/auth.guard';
import { UntrustedInputPipe } from '../errors/untrusted-input';
import { CommandContext } from '../request-context';
import { requireSessionId } from './session-id';
import { audioTooLarge } from './turn-audio';
import { TurnUploadInterceptor } from './turn-upload.interceptor';

/** Creation may wait in the session service's capacity queue (SPEC §4.1), far longer than a normal command. */
export const SESSION_CREATE_TIMEOUT_MS = 60_000;

type TurnSubmit = SessionCommands['session.turn.submit']['request'];

/**
 * Live practice sessions over REST. Like the catalog, the gateway authenticates and forwards the caller with the
 * raw input; the session service validates and scopes everything to the caller (another user's session is 404).
 */
@Controller('sessions')
@UsePipes(UntrustedInputPipe)
export class SessionsController {
  constructor(
    private readonly bus: Bus,
    private readonly commandContext: CommandContext,
  ) {}

  @Post()
  @HttpCode(201)
  create(@CurrentCaller() caller: Caller, @Body() body: unknown) {
    return this.bus.request<SessionState>(
      Commands.SessionCreate,
      { caller, body: body ?? {} },
      this.commandContext.current(),
      SESSION_CREATE_TIMEOUT_MS,
    );
  }

  /** The trainee's history: 20 per page, sorted, searched and filtered (SPEC §5). */
  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: Record<string, unknown>) {
    return this.bus.request(Commands.SessionList, { caller, query }, this.commandContext.current());
  }

  /** The replay: session, scenario snapshot, turns with fresh audio URLs, and the evaluation (null before one). */
  @Get(':id')
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<SessionDetail> {
    const sessionId = this.sessionId(id);
    const context = this.commandContext.current();
    const [state, evaluation] = await Promise.all([
      this.bus.request<Omit<SessionDetail, 'evaluation'>>(Commands.SessionGet, { caller, sessionId }, context),
      this.bus.request<EvaluationView>(Commands.EvaluationGet, { caller, sessionId }, context).catch((error: unknown) => {
        // No evaluation yet (or the evaluator is briefly away): the replay still works without it.
        if (error instanceof AppError && (error.code === 'not_found' || error.code === 'unavailable')) return null;
        throw error;
      }),
    ]);
    return { ...state, evaluation };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    const sessionId = this.sessionId(id);
    await this.bus.request(Commands.SessionDelete, { caller, sessionId }, this.commandContext.current());
  }

  @Post(':id/practice-again')
  @HttpCode(201)
  practiceAgain(@CurrentCaller() caller: Caller, @Param('id') id: string, @Body() body: unknown) {
    const sessionId = this.sessionId(id);
    return this.bus.request<SessionState>(
      Commands.SessionPracticeAgain,
      { caller, sessionId, body: body ?? {} },
      this.commandContext.current(),
      SESSION_CREATE_TIMEOUT_MS,
    );
  }

  /** Realtime latency per segment (n, avg, min, max, p95), cancellations and interruptions (SPEC §7.3). */
  @Get(':id/latency-stats')
  latencyStats(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const sessionId = this.sessionId(id);
    return this.bus.request<LatencyStats>(Commands.LatencyStats, { caller, sessionId }, this.commandContext.current());
  }

  @Get(':id/evaluation')
  evaluation(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const sessionId = this.sessionId(id);
    return this.bus.request<EvaluationView>(Commands.EvaluationGet, { caller, sessionId }, this.commandContext.current());
  }

  /** Requeues a failed or finished evaluation; 409 while one is queued or running. */
  @Post(':id/evaluation')
  @HttpCode(202)
  requeueEvaluation(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const sessionId = this.sessionId(id);
    return this.bus.request<EvaluationView>(Commands.EvaluationRequeue, { caller, sessionId }, this.commandContext.current());
  }

  @Post(':id/stop')
  @HttpCode(200)
  stop(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const sessionId = this.sessionId(id);
    return this.bus.request<SessionView>(Commands.SessionStop, { caller, sessionId }, this.commandContext.current());
  }

  /** Multipart: `audio` (mono MP3, at most 128 KB) plus `sequence`, `startedAt`, `endedAt`. */
  @Post(':id/turns')
  @HttpCode(201)
  @UseInterceptors(TurnUploadInterceptor)
  submitTurn(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
    @UploadedFile() file: Express.Multer.File | undefined,
  ) {
    const sessionId = this.sessionId(id);
    if (file && file.size > MAX_TURN_AUDIO_BYTES) throw audioTooLarge(file.size);
    const request: TurnSubmit = {
      caller,
      sessionId,
      // Passed through as received (strings from a form, or JSON values): the session service validates them.
      meta: { sequence: body?.sequence, startedAt: body?.startedAt, endedAt: body?.endedAt },
      audioBase64: file ? file.buffer.toString('base64') : null,
    };
    return this.bus.request<TurnAck>(Commands.TurnSubmit, request, this.commandContext.current());
  }

  private sessionId(id: string): string {
    const sessionId = requireSessionId(id);
    addLogFields({ sessionId });
    return sessionId;
  }
}
