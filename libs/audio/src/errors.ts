import { AppError, ErrorCode } from '@parley/contracts';

/** Why a buffer was refused; the message says it in words a trainee can act on. */
export type InvalidAudioReason = 'empty' | 'not_mp3' | 'truncated' | 'no_frames' | 'corrupt' | 'stereo' | 'undecodable';

/** Audio that cannot be used. Maps to 422 `invalid_audio`: the client may fix it and resend the same turn. */
export class InvalidAudioError extends AppError {
  constructor(
    readonly reason: InvalidAudioReason,
    message: string,
  ) {
    super(ErrorCode.InvalidAudio, message);
    this.name = 'InvalidAudioError';
  }
}
