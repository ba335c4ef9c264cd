import {
  AudioFrameSchema,
  DEFAULT_REALTIME_SETTINGS,
  RealtimeSettingsPatchSchema,
  RealtimeSettingsSchema,
  RtStartSchema,
  UpdateSettingsSchema,
  decodeRtFrame,
  encodeRtFrame,
} from './realtime';

describe('realtime wire protocol', () => {
  it('defaults settings per SPEC §7.1', () => {
    expect(DEFAULT_REALTIME_SETTINGS).toEqual({ debounceMs: 400, commitMs: 200, adaptive: true, bargeIn: true });
    expect(RealtimeSettingsSchema.parse({ debounceMs: 700 }).debounceMs).toBe(700);
  });

  it('keeps a settings patch to the fields it names', () => {
    expect(RealtimeSettingsPatchSchema.parse({})).toEqual({});
    expect(UpdateSettingsSchema.parse({ sessionId: 's', settings: { bargeIn: false } }).settings).toEqual({ bargeIn: false });
  });

  it.each([
    ['debounce below 400', { debounceMs: 399 }],
    ['debounce above 1200', { debounceMs: 1201 }],
    ['commit below 100', { commitMs: 50 }],
    ['system prompt too long', { systemPrompt: 'x'.repeat(4001) }],
    ['unknown field', { unknown: 1 }],
  ])('rejects settings: %s', (_what, settings) => {
    expect(RtStartSchema.safeParse({ sessionId: 's', settings }).success).toBe(false);
  });

  it('accepts 10..100 ms frames of whole samples from Node and browsers', () => {
    const ok = (pcm: unknown) => AudioFrameSchema.safeParse({ sessionId: 's', seq: 0, pcm }).success;
    expect(ok(Buffer.alloc(640))).toBe(true);
    expect(ok(new ArrayBuffer(320))).toBe(true);
    expect(ok(new ArrayBuffer(3200))).toBe(true);
    expect(ok(new ArrayBuffer(318))).toBe(false);
    expect(ok(new ArrayBuffer(3202))).toBe(false);
    expect(ok(new ArrayBuffer(641))).toBe(false);
    expect(ok('AAAA')).toBe(false);
    const parsed = AudioFrameSchema.parse({ sessionId: 's', seq: 3, pcm: new ArrayBuffer(640) });
    expect(parsed.pcm).toBeInstanceOf(Uint8Array);
    expect(parsed.pcm.byteLength).toBe(640);
  });

  it('rejects negative or fractional sequence numbers', () => {
    expect(AudioFrameSchema.safeParse({ sessionId: 's', seq: -1, pcm: Buffer.alloc(640) }).success).toBe(false);
    expect(AudioFrameSchema.safeParse({ sessionId: 's', seq: 1.5, pcm: Buffer.alloc(640) }).success).toBe(false);
  });
});

describe('realtime frames on NATS', () => {
  it('carry seq, arrival time and PCM intact, aligned for Int16Array', () => {
    const pcm = new Int16Array([1, -2, 32767, -32768, 5]);
    const wire = encodeRtFrame(4_000_000_000, 1_764_000_000_123.25, new Uint8Array(pcm.buffer));
    const odd = new Uint8Array(wire.length + 1);
    odd.set(wire, 1);
    const decoded = decodeRtFrame(odd.subarray(1));
    expect(decoded).toEqual({ seq: 4_000_000_000, arrivedAt: 1_764_000_000_123.25, pcm });
  });

  it('refuse a message without a whole sample', () => {
    expect(decodeRtFrame(new Uint8Array(12))).toBeNull();
    expect(decodeRtFrame(new Uint8Array(15))).toBeNull();
    expect(decodeRtFrame(new Uint8Array(3))).toBeNull();
  });
});
