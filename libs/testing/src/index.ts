export * from './infra';
export * from './platform';
export * from './ports';
export * from './http';
export * from './tcp-proxy';
export * from './fake-openai-server';
export * from './servers';
export * from './fake-realtime-server';
