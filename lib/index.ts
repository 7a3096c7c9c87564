export * from './agent-addon';
export * from './association';
export * from './role';
export * from './workload';
export * from './policies';
