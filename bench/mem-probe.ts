import * as fs from 'fs'; import * as os from 'os'; import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { BUILDERS } from './variants';
const [variant, kind, nStr] = process.argv.slice(2);
const mk = () => new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'probe-')), analyticsReporting: true, context: { 'aws:cdk:disable-asset-staging': true } });
const w = mk(); (BUILDERS as any)[variant](w, kind, 10); w.synth();
const mark = (m: string) => { const u = process.memoryUsage(); console.log(`MARK ${m} rss ${(u.rss / 2 ** 20).toFixed(0)} heapTotal ${(u.heapTotal / 2 ** 20).toFixed(0)} heapUsed ${(u.heapUsed / 2 ** 20).toFixed(0)} ext ${(u.external / 2 ** 20).toFixed(0)} maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`); };
mark('start');
const a = mk(); (BUILDERS as any)[variant](a, kind, Number(nStr));
mark('constructed');
if (variant === 'library') {
  const checks = require(process.env.BENCH_LIBRARY + '/lib/checks');
  checks.APP_CHECKS.unshift(() => mark('checks-start'));
  checks.APP_CHECKS.push(() => mark('checks-done'));
}
const realFs = require("fs"); const origWrite = realFs.writeFileSync; let first = true;
realFs.writeFileSync = function (...args: any[]) { if (first && String(args[0]).endsWith('.template.json')) { first = false; mark('first-template-write'); } return origWrite.apply(realFs, args); };
a.synth();
mark('synthesized');
