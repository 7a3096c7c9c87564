export * from './agent-addon';
export * from './association';
export * from './delivery';
export * from './errors';
export * from './role';
export * from './workload';
export * from './report';
export * from './policies';
