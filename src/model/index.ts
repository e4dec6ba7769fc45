export * from './queryTypes';
export * from './wire';
export * from './fields';
export * from './thresholds';
export * from './callType';
export * from './routes';
export * from './lookup';
export * from './issues';
