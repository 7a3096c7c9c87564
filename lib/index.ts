export * from './agent-addon';
export * from './association';
export * from './errors';
export * from './role';
export * from './workload';
export * from './fleet';
