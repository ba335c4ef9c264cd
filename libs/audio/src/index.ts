export * from './errors';
export * from './pcm';
export * from './wav';
export * from './mp3-frames';
export * from './mp3';
export * from './flite';
export * from './vad';
export * from './mp3-worker';
