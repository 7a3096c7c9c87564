export * from './model';
export * from './report';
