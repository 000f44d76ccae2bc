/**
 * Preloaded (`node --require`) into an agent process by tests: its wall clock runs
 * FLOTILLA_TEST_CLOCK_OFFSET_MS ahead (or behind, when negative), as on a host whose clock is
 * off. Only `Date` moves; the monotonic clock does not, as on a real host.
 */
const offset = Number(process.env.FLOTILLA_TEST_CLOCK_OFFSET_MS ?? '0');
if (!Number.isFinite(offset)) throw new Error('FLOTILLA_TEST_CLOCK_OFFSET_MS must be a number');
const RealDate = Date;
const skewedNow = () => RealDate.now() + offset;
class SkewedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(skewedNow());
    else super(...args);
  }
  static now() {
    return skewedNow();
  }
}
globalThis.Date = SkewedDate;
