export * from './queues';
export * from './queue.module';
export * from './job-attempt';
export * from './revive';
