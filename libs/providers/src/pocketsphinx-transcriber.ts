import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeMp3, encodeWav, resampleLinear } from '@parley/audio';
import { callProvider, type Attempt, type CallPolicy } from './call';
import { BadResponseError } from './errors';
import { Semaphore } from './semaphore';
import type { TranscribeOptions, Transcriber, Transcription } from './types';

export interface PocketsphinxOptions {
  policy: CallPolicy;
  /** Default `pocketsphinx_continuous` (Debian package `pocketsphinx`). */
  binary?: string;
  /**
   * Acoustic model directory, language model and dictionary. When omitted pocketsphinx uses its built-in defaults,
   * which on Debian are the `pocketsphinx-en-us` model: the language option is then English whatever is asked.
   */
  hmm?: string;
  lm?: string;
  dict?: string;
  /** Recognisers running at once; each takes a CPU core and ~100 MB. Default 2. */
  concurrency?: number;
  /** Where the temporary WAV files go. Default: the system's temporary directory. */
  tmpDir?: string;
}

const SAMPLE_RATE = 16_000; // the only rate the en-US model accepts

/**
 * Offline transcription with CMU pocketsphinx: the MP3 is decoded to a 16 kHz mono WAV in a temporary directory and
 * recognised by `pocketsphinx_continuous`, which prints one line per utterance. The process is killed when the
 * attempt times out (no output for `timeoutMs` plus the length of the audio) or the caller aborts; the temporary file
 * is always removed.
 */
export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';
  private readonly slots: Semaphore;

  constructor(private readonly options: PocketsphinxOptions) {
    this.slots = new Semaphore(options.concurrency ?? 2);
  }

  async transcribe(mp3: Buffer, { signal }: TranscribeOptions = {}): Promise<Transcription> {
    const decoded = await decodeMp3(mp3); // InvalidAudioError for unusable input, before any process starts
    const wav = encodeWav(resampleLinear(decoded.pcm, decoded.sampleRate, SAMPLE_RATE), SAMPLE_RATE);
    // Nothing is printed before the first utterance is decoded, and one long utterance takes a while on a busy
    // machine: the recogniser gets the audio's own length on top of the no-progress timeout.
    const policy = this.options.policy;
    const timeoutMs = policy.timeoutMs + decoded.durationMs;
    // Waiting for a free recogniser does not count against the timeout.
    const text = await this.slots.run(signal, () =>
      callProvider('transcription', { ...policy, timeoutMs }, signal, (attempt) => this.recognise(wav, attempt)),
    );
    return { text, model: 'pocketsphinx' };
  }

  private async recognise(wav: Buffer, attempt: Attempt): Promise<string> {
    const dir = await mkdtemp(path.join(this.options.tmpDir ?? tmpdir(), 'parley-asr-'));
    try {
      const file = path.join(dir, 'turn.wav');
      await writeFile(file, wav);
      const { hmm, lm, dict } = this.options;
      // Tighter pruning than the defaults: measured 1.5 s instead of 2.5 s for 3 s of speech, same words.
      const args = ['-infile', file, '-logfn', '/dev/null', '-maxhmmpf', '3000', '-topn', '2', '-pl_window', '10'];
      if (hmm) args.push('-hmm', hmm);
      if (lm) args.push('-lm', lm);
      if (dict) args.push('-dict', dict);
      const stdout = await run(this.options.binary ?? 'pocketsphinx_continuous', args, attempt);
      return stdout
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .join(' ');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const BACKGROUND_PRIORITY = 10;

/** Runs a program to completion and returns its standard output; killed with SIGKILL when the attempt aborts. */
function run(binary: string, args: string[], attempt: Attempt): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { signal: attempt.signal, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
    // Transcription is background work: at a lower priority it never starves turn acknowledgements on a busy node.
    if (child.pid) {
      try {
        setPriority(child.pid, BACKGROUND_PRIORITY);
      } catch {
        // Not permitted here: it runs at normal priority.
      }
    }
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      attempt.progress(); // one line per recognised utterance: long turns keep the timer alive
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.once('error', reject); // not found, or killed by the abort
    child.once('close', (code, killedBy) => {
      if (code === 0) resolve(stdout);
      else {
        const how = killedBy ?? `code ${code}`;
        reject(new BadResponseError(`${binary} exited with ${how}: ${stderr.trim() || 'no message'}`));
      }
    });
  });
}
