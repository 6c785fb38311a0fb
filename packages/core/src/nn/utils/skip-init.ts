let depth = 0;

/**
 * Builds a module without initialising its parameters, as torch.nn.utils.skip_init, for a model whose weights are
 * loaded next: while `build` runs, every nn.init function (the layers' resetParameters, a model's own init loop)
 * leaves its target as it is, so parameters stay zero where PyTorch leaves them uninitialised. Buffers are still
 * set (BatchNorm's running statistics). Drawing a VGG's initial weights in JavaScript takes some 20 s of CPU:
 * `skipInit(() => vgg16())` followed by `await model.load(path)` skips them.
 */
export function skipInit<T>(build: () => T): T {
  depth++;
  try {
    const module = build();
    if (module instanceof Promise) throw new Error('skipInit: build must be synchronous (it returned a Promise)');
    return module;
  } finally {
    depth--;
  }
}

/** @internal True while skipInit's build runs: the init functions then change nothing. */
export function initSkipped(): boolean {
  return depth > 0;
}
