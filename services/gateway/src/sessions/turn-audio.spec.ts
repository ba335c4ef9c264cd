import { AppError, MAX_TURN_AUDIO_BYTES } from '@parley/contracts';
import { requireSessionId } from './session-id';
import { audioTooLarge, turnAudioBytes } from './turn-audio';

function errorOf(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('turn audio checks', () => {
  it('accepts a Buffer, a Uint8Array view and an ArrayBuffer as the same bytes', () => {
    const bytes = Buffer.from([0xff, 0xfb, 0x90, 0x44]);
    expect(turnAudioBytes(bytes)).toBe(bytes);
    const backing = new Uint8Array([9, 9, 0xff, 0xfb, 0x90, 0x44, 9]);
    expect(turnAudioBytes(backing.subarray(2, 6)).equals(bytes)).toBe(true);
    expect(turnAudioBytes(new Uint8Array(bytes).buffer).equals(bytes)).toBe(true);
  });

  it('accepts exactly 128 KB and refuses one byte more with 413 and guidance', () => {
    expect(turnAudioBytes(Buffer.alloc(MAX_TURN_AUDIO_BYTES, 1)).length).toBe(MAX_TURN_AUDIO_BYTES);
    const error = errorOf(() => turnAudioBytes(new Uint8Array(MAX_TURN_AUDIO_BYTES + 1)));
    expect(error).toMatchObject({ code: 'payload_too_large', status: 413, retryable: false });
    expect(error.message).toMatch(/shorter turn/);
    expect(error.message).toMatch(/bitrate/);
    expect(error.message).toMatch(/129 KB/);
    expect(audioTooLarge().message).toMatch(/128 KB limit/);
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['a string', 'SUQzBAAAAAAA'],
    ['an array of numbers', [255, 251, 144]],
    ['an object', { 0: 255, length: 1 }],
    ['empty bytes', Buffer.alloc(0)],
  ])('refuses %s audio with 422 invalid_audio', (_what, audio) => {
    const error = errorOf(() => turnAudioBytes(audio));
    expect(error).toMatchObject({ code: 'invalid_audio', status: 422 });
    expect(error.message).toMatch(/resend the turn/);
  });
});

describe('session ids', () => {
  it('passes UUIDs and turns anything else into 404 not_found', () => {
    const id = '3f2c1d7e-8a9b-4c5d-9e0f-1a2b3c4d5e6f';
    expect(requireSessionId(id)).toBe(id);
    for (const bad of ['nope', '', 42, null, undefined, `${id}x`, '../etc/passwd']) {
      expect(errorOf(() => requireSessionId(bad))).toMatchObject({ code: 'not_found', status: 404 });
    }
  });
});
