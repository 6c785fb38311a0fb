// The tutorial network is defined once, for this app, the tests and the bench: @trainkit/test-models.
export { Tudui } from '@trainkit/test-models';
