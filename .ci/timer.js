#!/usr/bin/env node
// Times the judges: `timer.js start NAME`, `timer.js stop NAME` (prints "⏱ NAME: 12.3s"), `timer.js reset`,
// `timer.js report` (a summary of every timing since the last reset, in the order they finished).
// projen tasks call it around their steps (see .projenrc.ts); state lives under node_modules/.cache.
'use strict';
const fs = require('fs');
const path = require('path');

const file = path.join(process.cwd(), 'node_modules', '.cache', 'cdk-eks-pod-identity', 'timings.json');
const [command, name] = process.argv.slice(2);

function load() {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { started: {}, done: [] };
  }
}
function save(state) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(state, null, 2));
}
const seconds = ms => `${(ms / 1000).toFixed(1)}s`;

const state = load();
switch (command) {
  case 'reset':
    save({ started: {}, done: [], since: Date.now() });
    break;
  case 'start':
    state.started[name] = Date.now();
    save(state);
    break;
  case 'stop': {
    const began = state.started[name];
    if (began === undefined) break;
    const ms = Date.now() - began;
    delete state.started[name];
    state.done.push({ name, ms });
    save(state);
    console.error(`⏱  ${name}: ${seconds(ms)}`);
    break;
  }
  case 'report': {
    const width = Math.max(...state.done.map(t => t.name.length), 5);
    console.error('⏱  timings:');
    for (const t of state.done) console.error(`   ${t.name.padEnd(width)} ${seconds(t.ms).padStart(7)}`);
    if (state.since) console.error(`   ${'total'.padEnd(width)} ${seconds(Date.now() - state.since).padStart(7)}`);
    break;
  }
  default:
    console.error(`usage: timer.js start|stop NAME | reset | report (got ${command})`);
    process.exit(2);
}
