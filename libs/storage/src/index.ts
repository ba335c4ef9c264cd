export * from './object-storage';
export * from './keys';
export * from './local-s3';
export * from './storage.module';
