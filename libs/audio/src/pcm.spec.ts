import { float32ToInt16, int16ToFloat32, resampleLinear, toMono } from './pcm';

describe('pcm helpers', () => {
  it('converts between int16 and float, clipping out-of-range floats', () => {
    expect(Array.from(float32ToInt16(new Float32Array([0, 1, -1, 2, -2, 0.5])))).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
    expect(Array.from(int16ToFloat32(new Int16Array([0, -32768, 16384])))).toEqual([0, -1, 0.5]);
  });

  it('mixes channels down by averaging', () => {
    const mono = toMono([new Float32Array([1, 0.5, 0]), new Float32Array([0, 0.5, -1])]);
    expect(Array.from(mono)).toEqual([0.5, 0.5, -0.5]);
    const single = new Float32Array([0.25]);
    expect(toMono([single])).toBe(single);
  });

  it('resamples linearly and keeps the sample type', () => {
    const ramp = new Float32Array(24).map((_, i) => i / 24);
    const down = resampleLinear(ramp, 24_000, 16_000);
    expect(down).toBeInstanceOf(Float32Array);
    expect(down).toHaveLength(16);
    expect(down[3]).toBeCloseTo(4.5 / 24, 6); // position 4.5 on the ramp

    const up = resampleLinear(new Int16Array([0, 100, 200]), 8_000, 16_000);
    expect(up).toBeInstanceOf(Int16Array);
    expect(Array.from(up)).toEqual([0, 50, 100, 150, 200, 200]);

    const same = new Int16Array([1, 2]);
    expect(resampleLinear(same, 16_000, 16_000)).toBe(same);
    expect(() => resampleLinear(same, 0, 16_000)).toThrow(RangeError);
  });
});
