import { useState } from 'react';
import { voiceProcessing } from '../audio/stream-capture';
import { LevelMeter } from './LevelMeter';

export interface MicProblem {
  denied: boolean;
  message: string;
}

/** Microphone check before a live voice practice: a level meter, and help when the browser refused the microphone. */
export function MicCheck({
  persona,
  open,
  busy,
  problem,
  readLevel,
  onCheck,
  onStart,
}: {
  persona: string;
  open: boolean;
  busy: boolean;
  problem: MicProblem | null;
  readLevel: () => number;
  onCheck: (processing: boolean) => void;
  onStart: () => void;
}) {
  const [processing, setProcessing] = useState(voiceProcessing.get());
  return (
    <section className="panel mic-check" aria-labelledby="mic-check-title" data-testid="mic-check">
      <h2 id="mic-check-title">Check your microphone</h2>
      <p>
        In a live practice you just talk, as on a call: {persona} answers when you pause, and you can interrupt. Use headphones if you
        can.
      </p>
      <LevelMeter label="Microphone level" read={open ? readLevel : () => 0} />
      <p className="meta" aria-live="polite">
        {open ? 'Say a few words: the bar should move while you speak.' : 'Your browser will ask to use the microphone.'}
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={processing}
          disabled={open || busy}
          onChange={(e) => (setProcessing(e.target.checked), voiceProcessing.set(e.target.checked))}
        />
        Echo cancellation (recommended: keeps {persona}'s voice from interrupting itself through your speakers)
      </label>
      {problem && (
        <div role="alert" className="error mic-problem">
          <p>{problem.message}</p>
          {problem.denied && (
            <ol className="permission-help">
              <li>Click the microphone or lock icon at the left of the address bar.</li>
              <li>Set Microphone to “Allow” for this site.</li>
              <li>Check that your system lets the browser use the microphone (macOS: System Settings › Privacy & Security › Microphone; Windows: Settings › Privacy › Microphone).</li>
              <li>Then press “Check microphone” again (or reload the page).</li>
            </ol>
          )}
        </div>
      )}
      <div className="mic-actions">
        {!open && (
          <button onClick={() => onCheck(processing)} disabled={busy}>
            {problem ? 'Try again' : 'Check microphone'}
          </button>
        )}
        <button className="primary" onClick={onStart} disabled={!open || busy}>
          {busy && open ? 'Starting…' : 'Start live practice'}
        </button>
      </div>
    </section>
  );
}
