export * from './bus';
export * from './context';
export * from './trace-context';
export * from './logger';
export * from './bus.module';
