import { RT_DEBOUNCE_MAX_MS, RT_DEBOUNCE_MIN_MS, type RealtimeSettings, type RealtimeSettingsPatch } from '@parley/contracts';
import { useEffect, useRef, useState } from 'react';

/** Voices the offline synthesiser knows; other providers map names they do not know to their default. */
const VOICES = ['slt', 'rms', 'awb', 'kal16'];

/** Live turn-taking settings, applied at once through `update_settings` (SPEC §7.1). */
export function LiveSettings({
  settings,
  personaVoice,
  disabled,
  onChange,
}: {
  settings: RealtimeSettings | null;
  personaVoice: string | undefined;
  disabled: boolean;
  onChange: (patch: RealtimeSettingsPatch) => void;
}) {
  const [debounce, setDebounce] = useState(settings?.debounceMs ?? RT_DEBOUNCE_MIN_MS);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const dragging = useRef(false);
  // Follow the server (adaptive debounce moves it) unless the trainee is moving the slider.
  useEffect(() => {
    if (settings && !dragging.current) setDebounce(settings.debounceMs);
  }, [settings?.debounceMs]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const slide = (value: number) => {
    setDebounce(value);
    dragging.current = true;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      dragging.current = false;
      onChange({ debounceMs: value });
    }, 250);
  };

  const voices = [...new Set([personaVoice, settings?.voice, ...VOICES].filter((v): v is string => !!v))];
  const off = disabled || !settings;
  return (
    <section className="panel live-panel live-settings" aria-labelledby="live-settings-title">
      <h2 id="live-settings-title">Settings</h2>
      <label className="slider">
        <span>
          Pause before the answer: <strong>{debounce} ms</strong>
        </span>
        <input
          type="range"
          min={RT_DEBOUNCE_MIN_MS}
          max={RT_DEBOUNCE_MAX_MS}
          step={50}
          value={debounce}
          disabled={off}
          onChange={(e) => slide(Number(e.target.value))}
          aria-describedby="debounce-help"
        />
      </label>
      <small id="debounce-help" className="meta">
        Longer lets you pause mid-sentence; shorter answers faster.
      </small>
      <label className="check">
        <input type="checkbox" checked={settings?.adaptive ?? true} disabled={off} onChange={(e) => onChange({ adaptive: e.target.checked })} />
        Adapt the pause to how I speak
      </label>
      <label className="check">
        <input type="checkbox" checked={settings?.bargeIn ?? true} disabled={off} onChange={(e) => onChange({ bargeIn: e.target.checked })} />
        Let me interrupt by speaking
      </label>
      <label>
        Voice
        <select value={settings?.voice ?? personaVoice ?? ''} disabled={off} onChange={(e) => onChange({ voice: e.target.value })}>
          {voices.map((v) => (
            <option key={v} value={v}>
              {v === personaVoice ? `${v} (the persona's voice)` : v}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}
