import { AppError, MAX_TURN_AUDIO_BYTES } from '@parley/contracts';

const MAX_KB = MAX_TURN_AUDIO_BYTES / 1024;

/** SPEC §4.4: the 413 tells the trainee how to get under the limit. */
export function audioTooLarge(bytes?: number): AppError {
  const size = bytes === undefined ? 'Your recording is' : `Your recording is ${Math.ceil(bytes / 1024)} KB,`;
  return new AppError(
    'payload_too_large',
    `${size} over the ${MAX_KB} KB limit of one turn: record a shorter turn or lower the bitrate (mono MP3 at 24-32 kbps)`,
  );
}

/**
 * The audio of a socket turn as bytes. socket.io hands binary attachments to Node as Buffers; an ArrayBuffer or
 * another Uint8Array is accepted as well. Anything else (missing, a string, an array of numbers...) is refused
 * before it costs a round trip, and so is oversized audio.
 */
export function turnAudioBytes(audio: unknown): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(audio)) bytes = audio;
  else if (audio instanceof Uint8Array) bytes = Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength);
  else if (audio instanceof ArrayBuffer) bytes = Buffer.from(audio);
  else {
    const what = audio === undefined || audio === null ? 'No audio was sent' : 'The audio is not binary data';
    throw new AppError('invalid_audio', `${what}; resend the turn with its MP3 bytes (ArrayBuffer or Uint8Array)`);
  }
  if (bytes.length > MAX_TURN_AUDIO_BYTES) throw audioTooLarge(bytes.length);
  if (bytes.length === 0) throw new AppError('invalid_audio', 'The audio is empty; resend the turn with its MP3 bytes');
  return bytes;
}
