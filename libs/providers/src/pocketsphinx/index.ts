export {
  DEFAULT_DECODER_ARGS,
  POCKETSPHINX_PACKAGES,
  POCKETSPHINX_SAMPLE_RATE,
  PocketsphinxDecoderError,
  PocketsphinxUnavailableError,
  resolveModel as resolvePocketsphinxModel,
  type PocketsphinxModel,
} from './native';
export { StreamingRecognizer, type RecognizerOptions } from './recognizer';
export {
  DecoderLease,
  DecoderPool,
  DecoderPoolBusyError,
  DecoderPoolClosedError,
  type DecoderPoolOptions,
  type DecoderPoolStats,
} from './decoder-pool';
