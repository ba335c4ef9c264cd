import { useEffect, useRef, useState } from 'react';

/**
 * A voice level bar that polls `read` (the microphone's or the AI voice's level, 0..1) about 20 times a second, so
 * the room itself does not re-render for every audio block.
 */
export function LevelMeter({ label, read, tone = 'you' }: { label: string; read: () => number; tone?: 'you' | 'them' }) {
  const [value, setValue] = useState(0);
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => {
    let frame = 0;
    let last = 0;
    let smoothed = 0;
    const tick = (time: number) => {
      frame = requestAnimationFrame(tick);
      if (time - last < 50) return;
      last = time;
      const next = reader.current();
      // Fast attack, slow release: calm but responsive.
      smoothed = next > smoothed ? next : smoothed * 0.8 + next * 0.2;
      setValue(Math.round(smoothed * 100) / 100);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, []);
  return (
    <div className={`level ${tone}`}>
      <span className="level-label">{label}</span>
      <div className="level-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={1} aria-valuenow={value}>
        <span style={{ transform: `scaleX(${Math.max(0.02, value)})` }} />
      </div>
    </div>
  );
}
