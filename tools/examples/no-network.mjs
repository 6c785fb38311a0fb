// Preloaded into every README example the tests run: the examples read generated files and must never download.
// A fetch fails at once, naming the URL, instead of hanging or fetching 170 MB.
globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : (input.url ?? String(input));
  throw new Error(`README example tried to download ${url}: examples run offline, on the files the test wrote`);
};
