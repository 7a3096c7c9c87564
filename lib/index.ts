export * from './agent-addon';
export * from './association';
export * from './errors';
export * from './role';
export * from './target-role';
export * from './workload';
