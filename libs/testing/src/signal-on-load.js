/**
 * Preloaded (`node -r`) into an entry point under test: the process sends itself SIGTERM as it
 * begins to load the module named by FLOTILLA_TEST_SIGNAL_ON_LOAD, i.e. in the middle of its
 * start-up, at a moment no timing from outside could hit reliably.
 */
const Module = require('node:module');

const target = process.env.FLOTILLA_TEST_SIGNAL_ON_LOAD;
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === target) {
    Module._load = load;
    process.kill(process.pid, 'SIGTERM');
  }
  return load.call(this, request, ...rest);
};
