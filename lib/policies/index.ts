// The public part of lib/policies: WellKnownPolicy and its options (not the per-software builders).
export * from './options';
export * from './well-known-policy';
