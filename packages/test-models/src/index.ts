// The tutorial networks are defined once, in @trainkit/models; this private package keeps their old import path for
// the apps, tests and bench, and the conformance suites that run core's layers through them.
export { MLP, Tudui, tudui } from '@trainkit/models';
