import { DEFAULT_POLICY, type CallPolicy, type RetryEvent } from './call';
import { FliteSynthesizer } from './flite-synthesizer';
import { openAiClient } from './openai/client';
import { OmniResponder } from './openai/omni-responder';
import { OpenAiObjectiveChecker } from './openai/openai-objective-checker';
import { OpenAiRoleplayer } from './openai/openai-roleplayer';
import { OpenAiSynthesizer } from './openai/openai-synthesizer';
import { OpenAiTranscriber } from './openai/openai-transcriber';
import { PocketsphinxTranscriber } from './pocketsphinx-transcriber';
import { ScriptObjectiveChecker, ScriptRoleplayer } from './script';
import type { ObjectiveChecker, Roleplayer, SpeechSynthesizer, Transcriber } from './types';

/** Which provider plays each role, with its own endpoint, key and model (SPEC §6). */
export interface ProvidersConfig {
  llm: {
    /** Without a base URL the roleplayer and the objective check are the offline script. */
    baseUrl?: string;
    apiKey?: string;
    /** Default gpt-4o-mini. */
    model?: string;
    /** Speech-to-speech through one chat model (`LLM_AUDIO=true`): enables `omni`. */
    audio: boolean;
    /** Voice of the audio output when `audio` is on. Default Cherry (Qwen-Omni). */
    voice?: string;
    /** Audio output format when `audio` is on: `wav` for Qwen-Omni (default), `pcm16` for OpenAI. */
    audioFormat?: 'pcm16' | 'wav';
    /** The no-progress timeout and retries of every provider call, not only the LLM's (SPEC §4.6: 10 s, 2). */
    timeoutMs: number;
    retries: number;
  };
  asr: {
    provider: 'pocketsphinx' | 'openai';
    baseUrl?: string;
    apiKey?: string;
    /** Default whisper-1. */
    model?: string;
    /** Pocketsphinx: warm decoders (the pool size), i.e. turns recognised at once. Default 2. */
    concurrency?: number;
  };
  tts: {
    provider: 'flite' | 'openai';
    baseUrl?: string;
    apiKey?: string;
    /** Default gpt-4o-mini-tts. */
    model?: string;
    /** Used when a persona's voice is unknown to the provider. Default alloy (Flite: slt, always). */
    voice?: string;
  };
}

export interface Providers {
  /** True when the roleplayer and the objective check are the offline script (labelled as such in the UI). */
  offline: boolean;
  roleplayer: Roleplayer;
  objectiveChecker: ObjectiveChecker;
  synthesizer: SpeechSynthesizer;
  transcriber: Transcriber;
  /** Speech-to-speech responder, when `llm.audio` is on and a model is configured. */
  omni: OmniResponder | null;
}

export interface ProvidersHooks {
  /** Told about each failed attempt that will be retried. */
  onRetry?: (event: RetryEvent) => void;
}

export function createProviders(config: ProvidersConfig, hooks: ProvidersHooks = {}): Providers {
  const policy: CallPolicy = {
    timeoutMs: config.llm.timeoutMs,
    retries: config.llm.retries,
    backoffMs: DEFAULT_POLICY.backoffMs,
    onRetry: hooks.onRetry,
  };
  const { llm, asr, tts } = config;

  let roleplayer: Roleplayer = new ScriptRoleplayer();
  let objectiveChecker: ObjectiveChecker = new ScriptObjectiveChecker();
  let omni: OmniResponder | null = null;
  if (llm.baseUrl) {
    const client = openAiClient(llm, policy);
    const model = llm.model ?? 'gpt-4o-mini';
    roleplayer = new OpenAiRoleplayer({ client, model, policy });
    objectiveChecker = new OpenAiObjectiveChecker({ client, model, policy });
    if (llm.audio) {
      const voice = llm.voice ?? 'Cherry';
      omni = new OmniResponder({ client, model, policy, voice, audioFormat: llm.audioFormat ?? 'wav' });
    }
  }

  const synthesizer: SpeechSynthesizer =
    tts.provider === 'openai'
      ? new OpenAiSynthesizer({
          client: openAiClient(tts, policy),
          model: tts.model ?? 'gpt-4o-mini-tts',
          policy,
          defaultVoice: tts.voice ?? 'alloy',
        })
      : new FliteSynthesizer();

  const transcriber: Transcriber =
    asr.provider === 'openai'
      ? new OpenAiTranscriber({ client: openAiClient(asr, policy), model: asr.model ?? 'whisper-1', policy })
      : new PocketsphinxTranscriber({ policy, concurrency: asr.concurrency });

  return { offline: roleplayer.offline, roleplayer, objectiveChecker, synthesizer, transcriber, omni };
}
