/**
 * The AudioWorklet processor that hands microphone samples to the page. It runs on the audio rendering thread,
 * mixes the input down to mono and posts blocks of `BLOCK_FRAMES` samples (about 43 ms at 48 kHz) as transferable
 * Float32Arrays. It is loaded from a Blob URL made from this source, so it needs no file of its own on the server.
 */
export const CAPTURE_PROCESSOR = 'parley-pcm-capture';
export const BLOCK_FRAMES = 2048;

export const captureWorkletSource = `
class ParleyPcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.block = new Float32Array(${BLOCK_FRAMES});
    this.filled = 0;
  }
  process(inputs) {
    const input = inputs[0];
    if (input && input.length > 0) {
      const channels = input.length;
      const frames = input[0].length;
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += input[c][i];
        this.block[this.filled++] = sum / channels;
        if (this.filled === this.block.length) {
          this.port.postMessage(this.block, [this.block.buffer]);
          this.block = new Float32Array(${BLOCK_FRAMES});
          this.filled = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('${CAPTURE_PROCESSOR}', ParleyPcmCapture);
`;
