// Preload (node --import) that moves this process's wall clock to SHIFTED_NOW (an ISO date),
// keeping it ticking: `new Date()` and `Date.now()` answer as if it were that day. Used to
// prove a test does not depend on the day it runs (test/policies/clock.test.ts).
const RealDate = Date;
const target = new RealDate(process.env.SHIFTED_NOW ?? '');
if (Number.isNaN(target.getTime())) throw new Error(`shifted-clock: SHIFTED_NOW=${JSON.stringify(process.env.SHIFTED_NOW)} is not a date`);
const offset = target.getTime() - RealDate.now();
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = ShiftedDate;
