export * from './bootstrap';
export * from './log-context';
export * from './logger';
export * from './metrics';
export * from './observability.module';
export * from './ops.controller';
export * from './readiness';
export * from './public';
